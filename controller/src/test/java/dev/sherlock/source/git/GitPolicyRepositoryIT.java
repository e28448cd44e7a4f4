package dev.sherlock.source.git;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sherlock.config.SherlockConfig;
import dev.sherlock.policy.load.PolicyLoader.PolicyFile;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a fetch reads of a commit: the policy files under the path, nothing else. */
class GitPolicyRepositoryIT {
  @TempDir Path dir;

  @Test
  void readsThePolicyFilesUnderThePathOfEachFetchedCommit() {
    try (GitServer server = new GitServer(dir, "t0ken");
        GitPolicyRepository repository = new GitPolicyRepository(config(server, "t0ken"))) {
      String first =
          server.commit(
              "Ann Author",
              "first",
              Map.of(
                  "policies/a.yaml", "a: 1\n",
                  "policies/notes.txt", "not yaml",
                  "policies/.hidden/b.yaml", "b: 1\n",
                  "other/c.yaml", "c: 1\n"));
      GitPolicyRepository.Fetched fetched = repository.fetch();
      assertThat(fetched.commit().id()).isEqualTo(first);
      assertThat(fetched.commit().author()).isEqualTo("Ann Author <ann.author@example.com>");
      assertThat(fetched.commit().message()).isEqualTo("first");
      assertThat(fetched.files()).extracting(PolicyFile::name).containsExactly("policies/a.yaml");

      String second = server.commit("Ann Author", "second", Map.of("policies/sub/d.yml", "d: 1\n"));
      fetched = repository.fetch();
      assertThat(fetched.commit().id()).isEqualTo(second);
      assertThat(fetched.files())
          .extracting(PolicyFile::name)
          .containsExactlyInAnyOrder("policies/a.yaml", "policies/sub/d.yml");
      assertThat(fetched.problems()).isEmpty();
    }
  }

  @Test
  void aWrongTokenOrAMissingBranchIsOneLineThatNamesNoSecret() {
    try (GitServer server = new GitServer(dir, "t0ken")) {
      server.commit("Ann Author", "first", Map.of("policies/a.yaml", "a: 1\n"));
      try (GitPolicyRepository wrong = new GitPolicyRepository(config(server, "wr0ng"))) {
        assertThatThrownBy(wrong::fetch)
            .isInstanceOf(GitPolicyRepository.GitException.class)
            .hasMessageContaining("not authorized")
            .hasMessageNotContaining("wr0ng");
      }
      SherlockConfig.Git other =
          new SherlockConfig.Git(
              server.url(),
              "release",
              "policies",
              Duration.ofMinutes(1),
              "x",
              Optional.of("t0ken"),
              Optional.empty());
      try (GitPolicyRepository missing = new GitPolicyRepository(other)) {
        assertThatThrownBy(missing::fetch)
            .isInstanceOf(GitPolicyRepository.GitException.class)
            .hasMessageContaining("refs/heads/release");
      }
    }
  }

  @Test
  void overSshOnlyTheKnownHostWithTheDeployKeyIsFetchedFrom() {
    try (GitServer server = new GitServer(dir, "t0ken");
        GitSshServer ssh = new GitSshServer(server)) {
      String first = server.commit("Ann Author", "first", Map.of("policies/a.yaml", "a: 1\n"));
      try (GitPolicyRepository repository =
          new GitPolicyRepository(overSsh(ssh, ssh.clientKey(), ssh.knownHosts()))) {
        assertThat(repository.fetch().commit().id()).isEqualTo(first);
        String second = server.commit("Ann Author", "second", Map.of("policies/b.yaml", "b: 1\n"));
        assertThat(repository.fetch().commit().id()).isEqualTo(second);
      }
      // A host whose key is not the known one (a man in the middle, or a moved host): refused.
      try (GitPolicyRepository changed =
          new GitPolicyRepository(overSsh(ssh, ssh.clientKey(), ssh.wrongKnownHosts()))) {
        assertThatThrownBy(changed::fetch)
            .isInstanceOf(GitPolicyRepository.GitException.class)
            .hasMessageContaining("Server key did not validate")
            .hasMessageNotContaining("PRIVATE KEY");
      }
      // A key the host does not know.
      String other = GitSshServer.otherKey();
      try (GitPolicyRepository stranger =
          new GitPolicyRepository(overSsh(ssh, other, ssh.knownHosts()))) {
        assertThatThrownBy(stranger::fetch)
            .isInstanceOf(GitPolicyRepository.GitException.class)
            .hasMessageContaining("server refused ssh-rsa key")
            .hasMessageNotContaining(other.lines().skip(1).findFirst().orElseThrow());
      }
      // Not a key at all: one line at start, naming the setting, quoting none of it.
      assertThatThrownBy(
              () ->
                  new GitPolicyRepository(overSsh(ssh, "ssh-rsa AAAA-not-a-key", ssh.knownHosts())))
          .isInstanceOf(dev.sherlock.UserError.class)
          .hasMessageStartingWith("sherlock.git.ssh-key is not a private key")
          .hasMessageNotContaining("AAAA");
    }
  }

  private static SherlockConfig.Git overSsh(GitSshServer ssh, String key, String knownHosts) {
    return new SherlockConfig.Git(
        ssh.url(),
        "main",
        "policies",
        Duration.ofMinutes(1),
        "x",
        Optional.empty(),
        Optional.empty(),
        Optional.of(key),
        Optional.of(knownHosts),
        Optional.empty());
  }

  private static SherlockConfig.Git config(GitServer server, String token) {
    return new SherlockConfig.Git(
        server.url(),
        "main",
        "policies",
        Duration.ofMinutes(1),
        "x",
        Optional.of(token),
        Optional.empty());
  }
}
