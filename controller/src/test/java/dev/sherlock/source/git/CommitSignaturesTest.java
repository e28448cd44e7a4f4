package dev.sherlock.source.git;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sherlock.UserError;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.CommitBuilder;
import org.eclipse.jgit.lib.GpgSignature;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sherlock.git.require-signed-commits}: which commits a replica trusts, checked against
 * commits JGit makes and signs as {@code git commit -S} does, with keys made for the test.
 */
class CommitSignaturesTest {
  private static PgpTestKey pat;
  private static PgpTestKey mallory;

  @TempDir Path dir;

  @BeforeAll
  static void keys() {
    pat = new PgpTestKey("Pat Platform <pat@example.com>");
    mallory = new PgpTestKey("Mallory <mallory@example.com>");
  }

  @Test
  void aCommitSignedByATrustedKeyApplies() throws Exception {
    try (Git git = repository()) {
      RevCommit signed = commit(git, pat, "policies for the mysfits");
      assertThat(CommitSignatures.of(pat.armoredPublicKey()).refusal(signed)).isEmpty();
    }
  }

  @Test
  void anUnsignedCommitOrOneByAnotherKeyDoesNot() throws Exception {
    CommitSignatures trusted = CommitSignatures.of(pat.armoredPublicKey());
    try (Git git = repository()) {
      assertThat(trusted.refusal(commit(git, null, "unsigned"))).contains("it is not signed");
      assertThat(trusted.refusal(commit(git, mallory, "by another key")))
          .contains(
              "it is signed by key %s, which is not one of sherlock.git.signing-keys"
                  .formatted(mallory.keyId()));
    }
  }

  @Test
  void aSignatureMovedToAnotherCommitDoesNotMatchIt() throws Exception {
    CommitSignatures trusted = CommitSignatures.of(pat.armoredPublicKey());
    try (Git git = repository()) {
      RevCommit signed = commit(git, pat, "turn chaos off");
      RevCommit forged = rewrite(git, signed, "turn chaos on", signed.getRawGpgSignature());
      assertThat(trusted.refusal(forged))
          .contains("its signature by key %s does not match the commit".formatted(pat.keyId()));
      RevCommit ssh =
          rewrite(
              git,
              signed,
              "signed over ssh",
              "-----BEGIN SSH SIGNATURE-----\nU1NIU0lH\n-----END SSH SIGNATURE-----"
                  .getBytes(StandardCharsets.US_ASCII));
      assertThat(trusted.refusal(ssh))
          .contains("it is signed with an SSH key; only OpenPGP signatures are checked");
    }
  }

  @Test
  void severalKeysMayBeTrustedAndWhatIsNotAKeyIsRefusedInOneLine() throws Exception {
    CommitSignatures both =
        CommitSignatures.of(pat.armoredPublicKey() + "\n" + mallory.armoredPublicKey());
    assertThat(both.describe())
        .hasSize(2)
        .anyMatch(k -> k.endsWith(" Pat Platform <pat@example.com>"))
        .anyMatch(k -> k.endsWith(" Mallory <mallory@example.com>"));
    try (Git git = repository()) {
      assertThat(both.refusal(commit(git, mallory, "by the second key"))).isEmpty();
    }
    assertThatThrownBy(() -> CommitSignatures.of("ssh-ed25519 AAAAC3Nz pat@laptop"))
        .isInstanceOf(UserError.class)
        .hasMessageStartingWith("sherlock.git.signing-keys ")
        .hasMessageNotContaining("\n");
  }

  private Git repository() throws Exception {
    return Git.init().setDirectory(dir.toFile()).setInitialBranch("main").call();
  }

  private static RevCommit commit(Git git, PgpTestKey key, String message) throws Exception {
    Path file = git.getRepository().getWorkTree().toPath().resolve("policies/p.yaml");
    Files.createDirectories(file.getParent());
    Files.writeString(file, message);
    git.add().addFilepattern("policies/p.yaml").call();
    PersonIdent who = new PersonIdent("Pat Platform", "pat@example.com");
    RevCommit made =
        PgpTestKey.signed(git.commit().setAuthor(who).setCommitter(who).setMessage(message), key)
            .call();
    return parse(git, made);
  }

  /** The same commit with another message and the given signature, as a forger would make it. */
  private static RevCommit rewrite(Git git, RevCommit commit, String message, byte[] signature)
      throws Exception {
    CommitBuilder builder = new CommitBuilder();
    builder.setTreeId(commit.getTree());
    builder.setParentIds(commit.getParents());
    builder.setAuthor(commit.getAuthorIdent());
    builder.setCommitter(commit.getCommitterIdent());
    builder.setMessage(message);
    builder.setGpgSignature(new GpgSignature(signature));
    ObjectId id;
    try (ObjectInserter inserter = git.getRepository().newObjectInserter()) {
      id = inserter.insert(builder);
      inserter.flush();
    }
    try (RevWalk walk = new RevWalk(git.getRepository())) {
      return walk.parseCommit(id);
    }
  }

  private static RevCommit parse(Git git, RevCommit commit) throws Exception {
    try (RevWalk walk = new RevWalk(git.getRepository())) {
      return walk.parseCommit(commit);
    }
  }
}
