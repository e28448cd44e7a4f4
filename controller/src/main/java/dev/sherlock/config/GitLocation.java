package dev.sherlock.config;

import dev.sherlock.UserError;
import dev.sherlock.policy.Durations;
import io.micronaut.context.env.Environment;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads {@code --policies git+https://host/org/repo.git?ref=main&path=policies} (or {@code
 * git+ssh://git@host/org/repo.git?...}, with a private key and the host's known key) and the {@code
 * sherlock.git.*} settings beside it into a {@link SherlockConfig.Git}. Credentials never sit in
 * the URL, where every log line and error message would carry them: the token comes from {@code
 * sherlock.git.token} ({@code SHERLOCK_GIT_TOKEN}) or a file, and so does the hook's secret.
 */
final class GitLocation {
  private static final Set<String> SCHEMES = Set.of("https", "http", "file", "ssh");
  private static final Set<String> PARAMETERS = Set.of("ref", "path");

  private GitLocation() {}

  static boolean isGit(String policies) {
    return policies.startsWith(SherlockConfig.Git.PREFIX);
  }

  static SherlockConfig.Git parse(String policies, Environment env) {
    String spec = policies.substring(SherlockConfig.Git.PREFIX.length());
    URI uri;
    try {
      uri = new URI(spec);
    } catch (URISyntaxException e) {
      throw refused(policies, e.getMessage());
    }
    String scheme = Optional.ofNullable(uri.getScheme()).orElse("");
    if (!SCHEMES.contains(scheme)) {
      throw refused(policies, "expected git+https://, git+ssh://, git+http:// or git+file://");
    }
    boolean ssh = scheme.equals("ssh");
    // Over SSH the user (git@) names an account, not a secret; a password never sits there.
    boolean userOnly = ssh && uri.getRawUserInfo() != null && !uri.getRawUserInfo().contains(":");
    if (uri.getRawUserInfo() != null && !userOnly) {
      throw refused(
          policies.replace(uri.getRawUserInfo() + "@", "***@"),
          "no credentials in the URL (they would reach logs): set SHERLOCK_GIT_TOKEN or"
              + " sherlock.git.token-file");
    }
    Map<String, String> query = query(policies, uri.getRawQuery());
    String remote =
        spec.contains("?") ? spec.substring(0, spec.indexOf('?')) : spec; // the URL git fetches
    String path = strip(query.getOrDefault("path", ""));
    if (path.contains("..")) {
      throw refused(policies, "path must stay inside the repository");
    }
    Duration interval =
        env.getProperty("sherlock.git.interval", String.class)
            .map(Durations::parse)
            .orElse(SherlockConfig.Git.INTERVAL);
    if (interval.compareTo(Duration.ofSeconds(1)) < 0) {
      throw new UserError("sherlock.git.interval must be at least 1s, not " + interval);
    }
    Optional<String> sshKey = Optional.empty();
    Optional<String> knownHosts = Optional.empty();
    if (ssh) {
      sshKey = secret(env, "sherlock.git.ssh-key");
      if (sshKey.isEmpty()) {
        throw refused(
            policies,
            "git over ssh needs a private key: set SHERLOCK_GIT_SSH_KEY_FILE (or"
                + " SHERLOCK_GIT_SSH_KEY), an OpenSSH or PEM key without a passphrase");
      }
      knownHosts = secret(env, "sherlock.git.known-hosts");
      if (knownHosts.isEmpty()) {
        throw refused(
            policies,
            "git over ssh checks the host's key: set SHERLOCK_GIT_KNOWN_HOSTS_FILE (or"
                + " SHERLOCK_GIT_KNOWN_HOSTS) to its known_hosts lines, e.g. from ssh-keyscan");
      }
    }
    Optional<String> signingKeys = Optional.empty();
    if (env.getProperty("sherlock.git.require-signed-commits", Boolean.class, false)) {
      signingKeys = secret(env, "sherlock.git.signing-keys");
      if (signingKeys.isEmpty()) {
        throw new UserError(
            "sherlock.git.require-signed-commits needs the keys to trust: set"
                + " SHERLOCK_GIT_SIGNING_KEYS_FILE (or SHERLOCK_GIT_SIGNING_KEYS) to their"
                + " ASCII-armored export, gpg --armor --export KEYID...");
      }
    }
    return new SherlockConfig.Git(
        remote,
        query.getOrDefault("ref", "main"),
        path,
        interval,
        env.getProperty("sherlock.git.username", String.class, "x-access-token"),
        secret(env, "sherlock.git.token"),
        secret(env, "sherlock.git.webhook-secret"),
        sshKey,
        knownHosts,
        signingKeys);
  }

  /**
   * A secret from its property (or environment variable), or from the file that {@code -file}
   * names.
   */
  private static Optional<String> secret(Environment env, String key) {
    Optional<String> file = env.getProperty(key + "-file", String.class);
    if (file.isPresent()) {
      try {
        String value = Files.readString(Path.of(file.get()), StandardCharsets.UTF_8).strip();
        if (value.isEmpty()) {
          throw new UserError("%s-file %s is empty".formatted(key, file.get()));
        }
        return Optional.of(value);
      } catch (IOException e) {
        throw new UserError(
            "cannot read %s-file %s: %s".formatted(key, file.get(), UserError.oneLine(e)));
      }
    }
    return env.getProperty(key, String.class).map(String::strip).filter(v -> !v.isEmpty());
  }

  private static Map<String, String> query(String policies, String raw) {
    Map<String, String> query = new LinkedHashMap<>();
    if (raw == null || raw.isEmpty()) {
      return query;
    }
    for (String pair : raw.split("&")) {
      int equals = pair.indexOf('=');
      String name = equals < 0 ? pair : pair.substring(0, equals);
      String value =
          equals < 0 ? "" : URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8);
      if (!PARAMETERS.contains(name)) {
        throw refused(policies, "unknown parameter %s (ref and path are known)".formatted(name));
      }
      if (value.isEmpty()) {
        throw refused(policies, "%s needs a value".formatted(name));
      }
      query.put(name, value);
    }
    return query;
  }

  private static String strip(String path) {
    String p = path;
    while (p.startsWith("/")) {
      p = p.substring(1);
    }
    while (p.endsWith("/")) {
      p = p.substring(0, p.length() - 1);
    }
    return p;
  }

  private static UserError refused(String policies, String why) {
    return new UserError("--policies %s: %s".formatted(policies, why));
  }
}
