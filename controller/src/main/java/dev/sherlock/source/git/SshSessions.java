package dev.sherlock.source.git;

import dev.sherlock.UserError;
import java.io.ByteArrayInputStream;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.sshd.common.NamedResource;
import org.apache.sshd.common.util.security.SecurityUtils;
import org.eclipse.jgit.transport.SshTransport;
import org.eclipse.jgit.transport.Transport;
import org.eclipse.jgit.transport.sshd.SshdSessionFactory;
import org.eclipse.jgit.transport.sshd.SshdSessionFactoryBuilder;

/**
 * SSH for {@code git+ssh://} policy remotes, through JGit's Apache MINA client: the private key
 * from configuration, held in memory only (never written to disk), and the host's key checked
 * strictly against the configured known_hosts lines - an unknown or changed host key refuses the
 * fetch, never asks and never learns. Nothing of the machine's own {@code ~/.ssh} is read.
 */
final class SshSessions implements AutoCloseable {
  private final Path home;
  private final SshdSessionFactory factory;

  /**
   * @throws UserError when the key cannot be read
   */
  SshSessions(String privateKey, String knownHosts) {
    List<KeyPair> keys = keys(privateKey);
    Path created = null;
    try {
      created = Files.createTempDirectory("sherlock-ssh");
      home = created;
      Path ssh = Files.createDirectories(home.resolve(".ssh"));
      Path hosts = Files.writeString(ssh.resolve("known_hosts"), knownHosts + "\n");
      Path config =
          Files.writeString(
              ssh.resolve("config"),
              "Host *\n  StrictHostKeyChecking yes\n  UserKnownHostsFile %s\n".formatted(hosts));
      factory =
          new SshdSessionFactoryBuilder()
              .setHomeDirectory(home.toFile())
              .setSshDirectory(ssh.toFile())
              .setConfigFile(dir -> config.toFile())
              .setDefaultKnownHostsFiles(dir -> List.of(hosts))
              .setDefaultKeysProvider(dir -> keys)
              .setPreferredAuthentications("publickey")
              .build(null);
    } catch (IOException e) {
      delete(created);
      throw new UserError("cannot set up ssh for the policy remote: " + e.getMessage());
    }
  }

  /** Points an SSH transport at this configuration; other transports are left as they are. */
  void configure(Transport transport) {
    if (transport instanceof SshTransport ssh) {
      ssh.setSshSessionFactory(factory);
    }
  }

  private static List<KeyPair> keys(String privateKey) {
    List<KeyPair> keys = new ArrayList<>();
    try {
      Iterable<KeyPair> read =
          SecurityUtils.loadKeyPairIdentities(
              null,
              NamedResource.ofName("sherlock.git.ssh-key"),
              new ByteArrayInputStream((privateKey + "\n").getBytes(StandardCharsets.UTF_8)),
              null);
      if (read != null) {
        read.forEach(keys::add);
      }
    } catch (IOException | GeneralSecurityException | RuntimeException e) {
      // The parser's message may quote the key: say only what is wrong with it.
      keys.clear();
    }
    if (keys.isEmpty()) {
      throw new UserError(
          "sherlock.git.ssh-key is not a private key Sherlock can read (OpenSSH or PEM, without"
              + " a passphrase)");
    }
    return keys;
  }

  @Override
  public void close() {
    factory.close();
    delete(home);
  }

  private static void delete(Path dir) {
    if (dir == null) {
      return;
    }
    try (var files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
    } catch (IOException e) {
      // known_hosts and a config left in a temporary directory hold nothing secret
    }
  }
}
