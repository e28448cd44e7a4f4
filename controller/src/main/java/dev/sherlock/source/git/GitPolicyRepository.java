package dev.sherlock.source.git;

import dev.sherlock.UserError;
import dev.sherlock.config.SherlockConfig;
import dev.sherlock.policy.load.Diagnostic;
import dev.sherlock.policy.load.PolicyLoader.PolicyFile;
import dev.sherlock.policy.load.SafeYamlReader;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.api.errors.JGitInternalException;
import org.eclipse.jgit.internal.storage.dfs.DfsRepositoryDescription;
import org.eclipse.jgit.internal.storage.dfs.InMemoryRepository;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectLoader;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.transport.TagOpt;
import org.eclipse.jgit.transport.UsernamePasswordCredentialsProvider;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.eclipse.jgit.treewalk.filter.PathFilter;

/**
 * The policy repository as Sherlock sees it: one ref of the remote, fetched into memory (no working
 * tree, no other branches, no tags), and the policy files of the fetched commit's tree read from
 * its objects. A later fetch brings only the objects the remote has gained.
 */
public final class GitPolicyRepository implements AutoCloseable {
  /** Where the fetched ref is kept: a force-push simply moves it. */
  private static final String FETCHED = "refs/sherlock/policies";

  /** More policy files than any team keeps; a repository beyond it is refused, not half-read. */
  static final int MAX_FILES = 1_000;

  private static final int TIMEOUT_SECONDS = 30;

  private final SherlockConfig.Git config;
  private final InMemoryRepository repository =
      new InMemoryRepository(new DfsRepositoryDescription("sherlock-policies"));
  private final SafeYamlReader sizes = new SafeYamlReader();

  private final java.util.Optional<SshSessions> ssh;
  private final java.util.Optional<CommitSignatures> signatures;

  /**
   * @throws dev.sherlock.UserError when a {@code git+ssh} remote's key, or the keys commits must be
   *     signed with, cannot be read
   */
  public GitPolicyRepository(SherlockConfig.Git config) {
    this.config = config;
    this.signatures = config.signingKeys().map(CommitSignatures::of);
    this.ssh =
        config.overSsh()
            ? java.util.Optional.of(
                new SshSessions(config.sshKey().orElseThrow(), config.knownHosts().orElseThrow()))
            : java.util.Optional.empty();
  }

  /**
   * The commit the ref points at now, and its policy files.
   *
   * @param untrusted why the commit may not apply at all (its signature), whatever its files, in a
   *     sentence for a finding; then they are not read
   */
  public record Fetched(
      GitCommit commit,
      List<PolicyFile> files,
      List<Diagnostic> problems,
      java.util.Optional<String> untrusted) {}

  /** The keys a commit must be signed with, as {@code /api/policies} shows them; empty: none. */
  public List<String> signingKeys() {
    return signatures.map(CommitSignatures::describe).orElse(List.of());
  }

  /**
   * Fetches the ref and reads its commit.
   *
   * @throws GitException when the remote cannot be reached, refuses the credentials, or lacks the
   *     ref - with a message that names neither the token nor anything it protects
   */
  public synchronized Fetched fetch() {
    try (Git git = Git.wrap(repository)) {
      var fetch =
          git.fetch()
              .setRemote(config.remote())
              .setRefSpecs(new RefSpec("+" + config.fullRef() + ":" + FETCHED))
              .setTagOpt(TagOpt.NO_TAGS)
              .setTimeout(TIMEOUT_SECONDS);
      ssh.ifPresent(s -> fetch.setTransportConfigCallback(s::configure));
      config
          .token()
          .ifPresent(
              t ->
                  fetch.setCredentialsProvider(
                      new UsernamePasswordCredentialsProvider(config.username(), t)));
      fetch.call();
      Ref ref = repository.exactRef(FETCHED);
      if (ref == null || ref.getObjectId() == null) {
        throw new GitException("the remote has no " + config.fullRef());
      }
      return read(ref.getObjectId());
    } catch (GitAPIException | IOException | JGitInternalException e) {
      throw new GitException(describe(e));
    }
  }

  /**
   * Fetches as a command starts: a remote it cannot fetch from is the user's to fix, in one line.
   *
   * @throws UserError naming the remote and why
   */
  public Fetched fetchOrRefuse() {
    try {
      return fetch();
    } catch (GitException e) {
      throw new UserError(
          "cannot fetch the policies from %s: %s".formatted(config.location(), e.getMessage()));
    }
  }

  private Fetched read(ObjectId id) throws IOException {
    try (RevWalk walk = new RevWalk(repository);
        TreeWalk tree = new TreeWalk(repository)) {
      RevCommit commit = walk.parseCommit(id);
      PersonIdent author = commit.getAuthorIdent();
      GitCommit gitCommit =
          new GitCommit(
              commit.name(),
              "%s <%s>".formatted(author.getName(), author.getEmailAddress()),
              author.getWhenAsInstant(),
              commit.getShortMessage());
      var untrusted =
          signatures
              .flatMap(s -> s.refusal(commit))
              .map(
                  why ->
                      "not signed by a trusted key (sherlock.git.require-signed-commits): " + why);
      if (untrusted.isPresent()) {
        return new Fetched(gitCommit, List.of(), List.of(), untrusted);
      }
      tree.addTree(commit.getTree());
      tree.setRecursive(true);
      String folder = config.path();
      if (!folder.isEmpty()) {
        tree.setFilter(PathFilter.create(folder));
      }
      List<PolicyFile> files = new ArrayList<>();
      List<Diagnostic> problems = new ArrayList<>();
      while (tree.next()) {
        String name = tree.getPathString();
        if (!folder.isEmpty() && !name.startsWith(folder + "/")) {
          continue; // a file named like the folder
        }
        String relative = folder.isEmpty() ? name : name.substring(folder.length() + 1);
        if (!isPolicyFile(relative)) {
          continue;
        }
        int type = tree.getFileMode(0).getBits() & FileMode.TYPE_MASK;
        if (type != FileMode.TYPE_FILE) {
          // A link's target lies outside the tree Sherlock reads: it is never followed.
          problems.add(Diagnostic.ofFile(name, "not a regular file (a link?): not read"));
          continue;
        }
        if (files.size() == MAX_FILES) {
          problems.add(
              Diagnostic.ofFile(
                  name, "more than %d policy files under one path: not read".formatted(MAX_FILES)));
          break;
        }
        ObjectLoader blob = repository.open(tree.getObjectId(0));
        var tooLarge = sizes.sizeProblem(blob.getSize(), name);
        if (tooLarge.isPresent()) {
          problems.add(tooLarge.get());
          continue;
        }
        files.add(new PolicyFile(name, blob.getBytes()));
      }
      if (files.isEmpty() && problems.isEmpty()) {
        problems.add(
            Diagnostic.ofFile(
                folder.isEmpty() ? "/" : folder, "no policy files (*.yaml, *.yml) in this commit"));
      }
      return new Fetched(gitCommit, files, problems, java.util.Optional.empty());
    }
  }

  private static boolean isPolicyFile(String relative) {
    for (String part : relative.split("/")) {
      if (part.startsWith(".")) {
        return false;
      }
    }
    return relative.endsWith(".yaml") || relative.endsWith(".yml");
  }

  /** JGit's messages, one line, with any URL reduced to the remote as configured. */
  private String describe(Exception e) {
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    Throwable cause = e.getCause();
    if (cause != null && cause.getMessage() != null && !message.contains(cause.getMessage())) {
      message = message + ": " + cause.getMessage();
    }
    // A URL in a message may carry what a redirect added to it; the configured one carries none.
    return message.replaceAll("\\s+", " ").replaceAll("https?://\\S+@", "https://").strip();
  }

  @Override
  public void close() {
    repository.close();
    ssh.ifPresent(SshSessions::close);
  }

  /** A fetch that failed, said in one line fit for a finding. */
  public static final class GitException extends RuntimeException {
    GitException(String message) {
      super(message);
    }
  }
}
