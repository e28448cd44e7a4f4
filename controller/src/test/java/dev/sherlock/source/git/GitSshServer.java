package dev.sherlock.source.git;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.eclipse.jgit.junit.ssh.SshTestGitServer;

/**
 * The repository of a {@link GitServer}, served over SSH too by JGit's own test server on
 * 127.0.0.1: user {@code git}, one client key it accepts, and a host key of its own - as GitHub's
 * and GitLab's SSH endpoints serve a repository for a deploy key.
 */
public final class GitSshServer implements AutoCloseable {
  private final KeyPair client = rsa();
  private final KeyPair host = rsa();
  private final SshTestGitServer server;
  private final int port;

  public GitSshServer(GitServer git) {
    try {
      server = new SshTestGitServer("git", client.getPublic(), git.bare(), host);
      port = server.start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The URL to fetch from, without {@code git+}. */
  public String url() {
    return "ssh://git@127.0.0.1:%d/%s".formatted(port, GitServer.REPOSITORY);
  }

  /** The client's private key as a PEM file holds it (PKCS#8), as a deploy key is given. */
  public String clientKey() {
    return pem(client);
  }

  /** Another key, which the server does not know. */
  public static String otherKey() {
    return pem(rsa());
  }

  /** The host's known_hosts line, as {@code ssh-keyscan -p PORT 127.0.0.1} prints it. */
  public String knownHosts() {
    return "[127.0.0.1]:%d %s".formatted(port, PublicKeyEntry.toString(host.getPublic()));
  }

  /** A known_hosts line for the same address with another host's key: a changed host key. */
  public String wrongKnownHosts() {
    return "[127.0.0.1]:%d %s".formatted(port, PublicKeyEntry.toString(rsa().getPublic()));
  }

  private static String pem(KeyPair key) {
    return "-----BEGIN PRIVATE KEY-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(key.getPrivate().getEncoded())
        + "\n-----END PRIVATE KEY-----\n";
  }

  private static KeyPair rsa() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(2048);
      return generator.generateKeyPair();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    try {
      server.stop();
    } catch (IOException e) {
      // stopping a test server cannot lose anything
    }
  }
}
