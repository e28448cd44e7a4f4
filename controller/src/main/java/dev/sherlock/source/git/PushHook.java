package dev.sherlock.source.git;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import java.util.function.Function;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A push hook from GitHub or GitLab, checked before it may cost a fetch. GitHub signs the body with
 * the hook's secret ({@code X-Hub-Signature-256: sha256=HMAC-SHA256(secret, body)}); GitLab sends
 * the secret itself ({@code X-Gitlab-Token}). Both are compared in constant time; anything else -
 * no secret configured, no header, a wrong one - is refused.
 */
public final class PushHook {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final String SIGNATURE = "x-hub-signature-256";
  private static final String GITLAB_TOKEN = "x-gitlab-token";

  private PushHook() {}

  /** What to do with a hook. */
  public sealed interface Verdict {
    /** A push (or a ping) signed with the secret: {@code ref} is what was pushed, if it says. */
    record Accepted(Optional<String> ref, boolean ping) implements Verdict {}

    record Refused(String why) implements Verdict {}
  }

  /**
   * @param secret the configured secret, if any
   * @param header a request header by its lower-case name
   * @param body the body as received, byte for byte: the signature covers exactly these
   */
  public static Verdict check(
      Optional<String> secret, Function<String, Optional<String>> header, byte[] body) {
    if (secret.isEmpty()) {
      return new Verdict.Refused(
          "no hook secret is configured (sherlock.git.webhook-secret): push hooks are refused");
    }
    byte[] key = secret.get().getBytes(StandardCharsets.UTF_8);
    Optional<String> signature = header.apply(SIGNATURE);
    Optional<String> gitlab = header.apply(GITLAB_TOKEN);
    boolean valid;
    if (signature.isPresent()) {
      byte[] expected =
          ("sha256=" + HexFormat.of().formatHex(hmac(key, body))).getBytes(StandardCharsets.UTF_8);
      valid =
          MessageDigest.isEqual(expected, signature.get().strip().getBytes(StandardCharsets.UTF_8));
    } else if (gitlab.isPresent()) {
      valid = MessageDigest.isEqual(key, gitlab.get().getBytes(StandardCharsets.UTF_8));
    } else {
      return new Verdict.Refused(
          "a push hook must carry X-Hub-Signature-256 (GitHub) or X-Gitlab-Token (GitLab)");
    }
    if (!valid) {
      return new Verdict.Refused("the hook's signature does not match the configured secret");
    }
    boolean ping = header.apply("x-github-event").map("ping"::equals).orElse(false);
    return new Verdict.Accepted(ref(header.apply("content-type").orElse(""), body), ping);
  }

  /** The pushed ref of a GitHub or GitLab push payload (JSON, or GitHub's form encoding). */
  private static Optional<String> ref(String contentType, byte[] body) {
    String text = new String(body, StandardCharsets.UTF_8);
    if (contentType.startsWith("application/x-www-form-urlencoded")) {
      text =
          text.startsWith("payload=")
              ? URLDecoder.decode(text.substring("payload=".length()), StandardCharsets.UTF_8)
              : "";
    }
    try {
      JsonNode ref = JSON.readTree(text).path("ref");
      return ref.isTextual() ? Optional.of(ref.asText()) : Optional.empty();
    } catch (IOException | RuntimeException e) {
      return Optional.empty(); // signed but not a push payload: fetch anyway, it costs one call
    }
  }

  static byte[] hmac(byte[] key, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(body);
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
    }
  }
}
