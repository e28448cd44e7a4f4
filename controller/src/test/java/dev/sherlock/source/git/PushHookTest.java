package dev.sherlock.source.git;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Which push hooks may cost a fetch: GitHub's signature and GitLab's token, nothing else. */
class PushHookTest {
  private static final Optional<String> SECRET = Optional.of("hook-secret");
  private static final byte[] PUSH =
      "{\"ref\":\"refs/heads/main\",\"after\":\"abc\"}".getBytes(StandardCharsets.UTF_8);

  @Test
  void aGitHubPushSignedWithTheSecretIsAcceptedWithItsRef() {
    var verdict = check(SECRET, Map.of("x-hub-signature-256", github("hook-secret", PUSH)), PUSH);
    assertThat(verdict)
        .isEqualTo(new PushHook.Verdict.Accepted(Optional.of("refs/heads/main"), false));
  }

  @Test
  void aSignatureMadeWithAnotherSecretOrOverAnotherBodyIsRefused() {
    assertThat(check(SECRET, Map.of("x-hub-signature-256", github("guess", PUSH)), PUSH))
        .isInstanceOf(PushHook.Verdict.Refused.class);
    byte[] tampered = "{\"ref\":\"refs/heads/evil\"}".getBytes(StandardCharsets.UTF_8);
    assertThat(check(SECRET, Map.of("x-hub-signature-256", github("hook-secret", PUSH)), tampered))
        .isInstanceOf(PushHook.Verdict.Refused.class);
    assertThat(check(SECRET, Map.of("x-hub-signature-256", "sha256=00"), PUSH))
        .isInstanceOf(PushHook.Verdict.Refused.class);
  }

  @Test
  void aGitLabPushCarriesTheSecretAsItsToken() {
    assertThat(check(SECRET, Map.of("x-gitlab-token", "hook-secret"), PUSH))
        .isEqualTo(new PushHook.Verdict.Accepted(Optional.of("refs/heads/main"), false));
    assertThat(check(SECRET, Map.of("x-gitlab-token", "hook-secre"), PUSH))
        .isInstanceOf(PushHook.Verdict.Refused.class);
  }

  @Test
  void noSecretConfiguredOrNoSignatureAtAllIsRefusedWithTheReason() {
    assertThat(check(Optional.empty(), Map.of("x-gitlab-token", ""), PUSH))
        .isEqualTo(
            new PushHook.Verdict.Refused(
                "no hook secret is configured (sherlock.git.webhook-secret): push hooks are"
                    + " refused"));
    assertThat(check(SECRET, Map.of(), PUSH))
        .isEqualTo(
            new PushHook.Verdict.Refused(
                "a push hook must carry X-Hub-Signature-256 (GitHub) or X-Gitlab-Token (GitLab)"));
  }

  @Test
  void aFormEncodedGitHubPayloadAndAPingAreRead() {
    byte[] form =
        ("payload="
                + URLEncoder.encode(
                    new String(PUSH, StandardCharsets.UTF_8), StandardCharsets.UTF_8))
            .getBytes(StandardCharsets.UTF_8);
    var verdict =
        check(
            SECRET,
            Map.of(
                "x-hub-signature-256",
                github("hook-secret", form),
                "content-type",
                "application/x-www-form-urlencoded"),
            form);
    assertThat(verdict)
        .isEqualTo(new PushHook.Verdict.Accepted(Optional.of("refs/heads/main"), false));
    byte[] ping = "{\"zen\":\"hi\"}".getBytes(StandardCharsets.UTF_8);
    assertThat(
            check(
                SECRET,
                Map.of(
                    "x-hub-signature-256", github("hook-secret", ping), "x-github-event", "ping"),
                ping))
        .isEqualTo(new PushHook.Verdict.Accepted(Optional.empty(), true));
  }

  private static PushHook.Verdict check(
      Optional<String> secret, Map<String, String> headers, byte[] body) {
    return PushHook.check(secret, name -> Optional.ofNullable(headers.get(name)), body);
  }

  /** What GitHub sends: HMAC-SHA256 of the body with the secret, in hex. */
  private static String github(String secret, byte[] body) {
    try {
      javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
      mac.init(
          new javax.crypto.spec.SecretKeySpec(
              secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body));
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
