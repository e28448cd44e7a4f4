package dev.sherlock.source.git;

import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.catalina.Context;
import org.apache.catalina.LifecycleException;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.util.descriptor.web.FilterDef;
import org.apache.tomcat.util.descriptor.web.FilterMap;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.ResetCommand;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.errors.RepositoryNotFoundException;
import org.eclipse.jgit.http.server.GitServlet;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.transport.ReceivePack;
import org.eclipse.jgit.transport.UsernamePasswordCredentialsProvider;

/**
 * A git host for tests: a bare repository served over smart HTTP by JGit's own servlet in an
 * embedded Tomcat on 127.0.0.1, behind a token (HTTP basic, the token as the password, as GitHub
 * and GitLab take it), and a working clone that commits and pushes to it - force-pushes too. It can
 * be made to fail (503) the way a git host in an outage does.
 */
public final class GitServer implements AutoCloseable {
  public static final String REPOSITORY = "policies.git";

  private final Tomcat tomcat = new Tomcat();
  private final Repository bare;
  private final Git work;
  private final String token;
  private final AtomicBoolean failing = new AtomicBoolean();
  private final AtomicInteger fetches = new AtomicInteger();
  private final String url;
  private volatile PgpTestKey signingKey;

  public GitServer(Path dir, String token) {
    this.token = token;
    try {
      Path barePath = Files.createDirectories(dir.resolve("served").resolve(REPOSITORY));
      bare =
          Git.init()
              .setBare(true)
              .setDirectory(barePath.toFile())
              .setInitialBranch("main")
              .call()
              .getRepository();
      work =
          Git.init()
              .setDirectory(Files.createDirectories(dir.resolve("work")).toFile())
              .setInitialBranch("main")
              .call();
      GitServlet servlet = new GitServlet();
      servlet.setRepositoryResolver(
          (request, name) -> {
            if (!name.equals(REPOSITORY)) {
              throw new RepositoryNotFoundException(name);
            }
            bare.incrementOpen();
            return bare;
          });
      servlet.setReceivePackFactory((request, db) -> new ReceivePack(db));
      tomcat.setBaseDir(Files.createDirectories(dir.resolve("tomcat")).toString());
      tomcat.setPort(0);
      tomcat.getConnector().setProperty("address", "127.0.0.1");
      Context context = tomcat.addContext("", null);
      Tomcat.addServlet(context, "git", servlet);
      context.addServletMappingDecoded("/*", "git");
      addFilter(context, this::guard);
      tomcat.start();
      url = "http://127.0.0.1:%d/%s".formatted(tomcat.getConnector().getLocalPort(), REPOSITORY);
    } catch (IOException | GitAPIException | LifecycleException e) {
      throw new IllegalStateException("cannot start the test git server", e);
    }
  }

  /** The URL to fetch from, without {@code git+}. */
  public String url() {
    return url;
  }

  /** The bare repository it serves, for a second way of serving it (SSH). */
  Repository bare() {
    return bare;
  }

  /** How many fetches (upload-pack requests) reached the server. */
  public int fetches() {
    return fetches.get();
  }

  /** While set, every request is answered 503. */
  public void failing(boolean fail) {
    failing.set(fail);
  }

  /** The key the next commits are signed with ({@code git commit -S}); null: not signed. */
  public void signWith(PgpTestKey key) {
    this.signingKey = key;
  }

  /**
   * Writes the files (path relative to the repository root, content; null deletes), commits them as
   * {@code author} and pushes.
   *
   * @return the new commit's id
   */
  public String commit(String author, String message, Map<String, String> files) {
    try {
      for (var file : files.entrySet()) {
        Path path = work.getRepository().getWorkTree().toPath().resolve(file.getKey());
        if (file.getValue() == null) {
          Files.deleteIfExists(path);
          work.rm().addFilepattern(file.getKey()).call();
        } else {
          Files.createDirectories(path.getParent());
          Files.writeString(path, file.getValue(), StandardCharsets.UTF_8);
          work.add().addFilepattern(file.getKey()).call();
        }
      }
      PersonIdent who =
          new PersonIdent(author, author.toLowerCase().replace(' ', '.') + "@example.com");
      PgpTestKey key = signingKey;
      RevCommit commit =
          PgpTestKey.signed(work.commit().setAuthor(who).setCommitter(who).setMessage(message), key)
              .call();
      push(false);
      return commit.name();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (GitAPIException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Moves the branch back by {@code commits}, as a rewrite of history does before a force-push. */
  public void resetBack(int commits) {
    try {
      work.reset().setMode(ResetCommand.ResetType.HARD).setRef("HEAD~" + commits).call();
    } catch (GitAPIException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Pushes main; {@code force}: even when it rewrites what the server has. */
  public void push(boolean force) {
    try {
      work.push()
          .setRemote(url)
          .add("main")
          .setForce(force)
          .setCredentialsProvider(new UsernamePasswordCredentialsProvider("test", token))
          .call();
    } catch (GitAPIException e) {
      throw new IllegalStateException(e);
    }
  }

  private boolean guard(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    if (failing.get()) {
      response.sendError(503, "the git host is down");
      return false;
    }
    // Any user name, as GitHub and GitLab take a token: the password alone is compared.
    String header = request.getHeader("Authorization");
    if (header == null || !header.startsWith("Basic ") || !password(header).equals(token)) {
      response.setHeader("WWW-Authenticate", "Basic realm=\"git\"");
      response.sendError(401);
      return false;
    }
    if (request.getRequestURI().endsWith("/git-upload-pack")) {
      fetches.incrementAndGet();
    }
    return true;
  }

  private static String password(String basic) {
    String decoded =
        new String(
            Base64.getDecoder().decode(basic.substring("Basic ".length()).strip()),
            StandardCharsets.UTF_8);
    return decoded.substring(decoded.indexOf(':') + 1);
  }

  /** A guard before the servlet: false means it has answered. */
  private interface Guard {
    boolean pass(HttpServletRequest request, HttpServletResponse response) throws IOException;
  }

  private static void addFilter(Context context, Guard guard) {
    Filter filter =
        (request, response, chain) -> {
          if (guard.pass((HttpServletRequest) request, (HttpServletResponse) response)) {
            chain.doFilter(request, response);
          }
        };
    FilterDef def = new FilterDef();
    def.setFilterName("guard");
    def.setFilter(filter);
    context.addFilterDef(def);
    FilterMap map = new FilterMap();
    map.setFilterName("guard");
    map.addURLPattern("/*");
    context.addFilterMap(map);
  }

  @Override
  public void close() {
    try {
      tomcat.stop();
      tomcat.destroy();
    } catch (LifecycleException e) {
      // stopping a test server cannot lose anything
    }
    work.close();
    bare.close();
  }
}
