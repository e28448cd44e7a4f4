package dev.sherlock.store;

import dev.sherlock.config.SherlockConfig;
import dev.sherlock.finding.Finding;
import dev.sherlock.session.CapacityChange;
import dev.sherlock.session.Fleet;
import dev.sherlock.session.HandledEvent;
import dev.sherlock.session.InsightsChange;
import dev.sherlock.session.ManagedRevision;
import dev.sherlock.session.PendingRegistration;
import dev.sherlock.session.Session;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Requires;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The embedded store: one SQLite file ({@code <dataDir>/sherlock.db}, write-ahead logging) with a
 * table of sessions and a table of findings. One connection behind a lock: SQLite has a single
 * writer anyway, and Sherlock's write rate is a few rows a second at most.
 */
@Singleton
@Bean(preDestroy = "close")
@Requires(property = "sherlock.store.kind", value = "sqlite", defaultValue = "sqlite")
public final class SqliteStore implements SessionStore, FindingStore, AutoCloseable {
  private final Connection connection;
  private final ReentrantLock lock = new ReentrantLock();
  private final Path file;

  public SqliteStore(SherlockConfig config) {
    this(config.dataDir().resolve("sherlock.db"));
  }

  public SqliteStore(Path file) {
    this.file = file;
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      connection = DriverManager.getConnection("jdbc:sqlite:" + file);
      try (Statement s = connection.createStatement()) {
        s.execute("PRAGMA journal_mode=WAL");
        s.execute("PRAGMA synchronous=NORMAL");
        s.execute("PRAGMA busy_timeout=5000");
        s.execute(
            """
            CREATE TABLE IF NOT EXISTS sessions (
              id TEXT PRIMARY KEY, service_arn TEXT NOT NULL, state TEXT NOT NULL,
              opened_at TEXT NOT NULL, body TEXT NOT NULL)""");
        s.execute("CREATE INDEX IF NOT EXISTS sessions_by_service ON sessions(service_arn)");
        s.execute(
            """
            CREATE TABLE IF NOT EXISTS findings (
              seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT UNIQUE NOT NULL, time TEXT NOT NULL,
              kind TEXT NOT NULL, cluster TEXT, service TEXT, policy TEXT, session TEXT, body TEXT NOT NULL)""");
        s.execute("CREATE INDEX IF NOT EXISTS findings_by_time ON findings(time)");
        s.execute(
            "CREATE TABLE IF NOT EXISTS capacity (service_arn TEXT PRIMARY KEY, body TEXT NOT NULL)");
        s.execute(
            "CREATE TABLE IF NOT EXISTS cluster_insights (cluster TEXT PRIMARY KEY, body TEXT NOT NULL)");
        s.execute(
            "CREATE TABLE IF NOT EXISTS exec_before (service_arn TEXT PRIMARY KEY, body TEXT NOT NULL)");
        s.execute("CREATE TABLE IF NOT EXISTS draining (since TEXT NOT NULL)");
        s.execute(
            "CREATE TABLE IF NOT EXISTS revisions (arn TEXT PRIMARY KEY, service_arn TEXT NOT NULL, body TEXT NOT NULL)");
        s.execute("CREATE TABLE IF NOT EXISTS plain_revisions (arn TEXT PRIMARY KEY)");
        s.execute(
            "CREATE TABLE IF NOT EXISTS registering (service_arn TEXT PRIMARY KEY, body TEXT NOT NULL)");
        s.execute(
            "CREATE TABLE IF NOT EXISTS handled_events (id TEXT PRIMARY KEY, handled_at TEXT NOT NULL, body TEXT NOT NULL)");
        s.execute(
            "CREATE INDEX IF NOT EXISTS handled_events_by_time ON handled_events(julianday(handled_at))");
        s.execute("CREATE TABLE IF NOT EXISTS changes (budget TEXT NOT NULL, at TEXT NOT NULL)");
        s.execute("CREATE INDEX IF NOT EXISTS changes_by_budget ON changes(budget, julianday(at))");
        s.execute(
            "CREATE TABLE IF NOT EXISTS fleets (id TEXT PRIMARY KEY, opened_at TEXT NOT NULL, body TEXT NOT NULL)");
      }
    } catch (SQLException | IOException e) {
      throw new IllegalStateException(
          "cannot open the store at %s: %s".formatted(file, e.getMessage()), e);
    }
  }

  // Times are kept as Instant.toString() writes them, which drops zero fractions ("...:00Z" sorts
  // after "...:00.5Z"), so they are compared and ordered as julianday(), never as text.

  public Path file() {
    return file;
  }

  @Override
  public void save(Session session) {
    write(
        "INSERT OR REPLACE INTO sessions(id, service_arn, state, opened_at, body) VALUES (?, ?, ?, ?, ?)",
        session.id(),
        session.serviceArn(),
        session.state().name(),
        session.openedAt().toString(),
        json(session));
  }

  @Override
  public Optional<Session> saveIfFree(Session session) {
    lock.lock(); // reentrant: the check and the insert are one step for every thread here
    try {
      Optional<Session> holder =
          ofService(session.serviceArn()).stream()
              .filter(s -> s.state() == Session.State.ACTIVE)
              .filter(s -> s.policy().equals(session.policy()))
              .findFirst();
      if (holder.isEmpty()) {
        save(session);
      }
      return holder;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public boolean saveIfActive(Session session) {
    return write(
            "UPDATE sessions SET state = ?, body = ? WHERE id = ? AND state = 'ACTIVE'",
            session.state().name(),
            json(session),
            session.id())
        == 1;
  }

  @Override
  public Optional<Session> session(String id) {
    return sessions("SELECT body FROM sessions WHERE id = ?", id).stream().findFirst();
  }

  @Override
  public List<Session> active() {
    return sessions(
        "SELECT body FROM sessions WHERE state = 'ACTIVE' ORDER BY julianday(opened_at), id");
  }

  @Override
  public List<Session> ofService(String serviceArn) {
    return sessions(
        "SELECT body FROM sessions WHERE service_arn = ? ORDER BY julianday(opened_at), id",
        serviceArn);
  }

  @Override
  public List<Session> recent(int limit) {
    return sessions(
        "SELECT body FROM sessions ORDER BY julianday(opened_at) DESC, id DESC LIMIT ?", limit);
  }

  @Override
  public Optional<CapacityChange> capacity(String serviceArn) {
    return read("SELECT body FROM capacity WHERE service_arn = ?", CapacityChange.class, serviceArn)
        .stream()
        .findFirst();
  }

  @Override
  public void saveCapacity(String serviceArn, CapacityChange change) {
    write(
        "INSERT OR REPLACE INTO capacity(service_arn, body) VALUES (?, ?)",
        serviceArn,
        json(change));
  }

  @Override
  public void clearCapacity(String serviceArn) {
    write("DELETE FROM capacity WHERE service_arn = ?", serviceArn);
  }

  @Override
  public Optional<InsightsChange> insights(String cluster) {
    return read(
            "SELECT body FROM cluster_insights WHERE cluster = ?", InsightsChange.class, cluster)
        .stream()
        .findFirst();
  }

  @Override
  public void saveInsights(InsightsChange change) {
    write(
        "INSERT OR REPLACE INTO cluster_insights(cluster, body) VALUES (?, ?)",
        change.cluster(),
        json(change));
  }

  @Override
  public void clearInsights(String cluster) {
    write("DELETE FROM cluster_insights WHERE cluster = ?", cluster);
  }

  @Override
  public Optional<Boolean> execBefore(String serviceArn) {
    return read("SELECT body FROM exec_before WHERE service_arn = ?", Boolean.class, serviceArn)
        .stream()
        .findFirst();
  }

  @Override
  public void saveExecBefore(String serviceArn, boolean enabled) {
    // The first value is what the service had before Sherlock: a later one must not replace it.
    write(
        "INSERT OR IGNORE INTO exec_before(service_arn, body) VALUES (?, ?)",
        serviceArn,
        json(enabled));
  }

  @Override
  public void clearExecBefore(String serviceArn) {
    write("DELETE FROM exec_before WHERE service_arn = ?", serviceArn);
  }

  @Override
  public boolean draining() {
    return !read("SELECT since FROM draining", String.class).isEmpty();
  }

  @Override
  public void saveDraining() {
    if (!draining()) {
      write("INSERT INTO draining(since) VALUES (?)", json(java.time.Instant.now().toString()));
    }
  }

  @Override
  public void saveRevision(ManagedRevision revision) {
    write(
        "INSERT OR REPLACE INTO revisions(arn, service_arn, body) VALUES (?, ?, ?)",
        revision.arn(),
        revision.serviceArn(),
        json(revision));
  }

  @Override
  public void saveRegistering(PendingRegistration pending) {
    write(
        "INSERT OR REPLACE INTO registering(service_arn, body) VALUES (?, ?)",
        pending.serviceArn(),
        json(pending));
  }

  @Override
  public Optional<PendingRegistration> registering(String serviceArn) {
    return read(
            "SELECT body FROM registering WHERE service_arn = ?",
            PendingRegistration.class,
            serviceArn)
        .stream()
        .findFirst();
  }

  @Override
  public void clearRegistering(String serviceArn) {
    write("DELETE FROM registering WHERE service_arn = ?", serviceArn);
  }

  @Override
  public Optional<ManagedRevision> revision(String arn) {
    return read("SELECT body FROM revisions WHERE arn = ?", ManagedRevision.class, arn).stream()
        .findFirst();
  }

  @Override
  public List<ManagedRevision> revisionsOf(String serviceArn) {
    return read(
        "SELECT body FROM revisions WHERE service_arn = ? ORDER BY arn",
        ManagedRevision.class,
        serviceArn);
  }

  @Override
  public void forgetRevision(String arn) {
    write("DELETE FROM revisions WHERE arn = ?", arn);
  }

  @Override
  public void saveFleet(Fleet fleet) {
    write(
        "INSERT OR REPLACE INTO fleets(id, opened_at, body) VALUES (?, ?, ?)",
        fleet.id(),
        fleet.openedAt().toString(),
        json(fleet));
  }

  @Override
  public Optional<Fleet> fleet(String id) {
    return read("SELECT body FROM fleets WHERE id = ?", Fleet.class, id).stream().findFirst();
  }

  @Override
  public List<Fleet> fleetsSince(Instant since) {
    return read(
        "SELECT body FROM fleets WHERE julianday(opened_at) >= julianday(?) ORDER BY julianday(opened_at)",
        Fleet.class,
        since.toString());
  }

  @Override
  public void saveHandledEvent(HandledEvent event) {
    write(
        "INSERT OR REPLACE INTO handled_events(id, handled_at, body) VALUES (?, ?, ?)",
        event.id(),
        event.handledAt(),
        json(event));
    write(
        "DELETE FROM handled_events WHERE julianday(handled_at) < julianday(?)",
        event.handledAt().minus(EVENT_MEMORY));
  }

  @Override
  public List<HandledEvent> handledSince(Instant since) {
    return read(
        "SELECT body FROM handled_events WHERE julianday(handled_at) >= julianday(?) ORDER BY julianday(handled_at), id",
        HandledEvent.class,
        since);
  }

  @Override
  public boolean takeChange(String budget, Instant at, Instant since, int limit) {
    lock.lock(); // reentrant: the count and the insert are one step for every thread here
    try {
      if (changes(budget, since).size() >= limit) {
        return false;
      }
      write("INSERT INTO changes(budget, at) VALUES (?, ?)", budget, at);
      write("DELETE FROM changes WHERE budget = ? AND julianday(at) < julianday(?)", budget, since);
      return true;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public List<Instant> changes(String budget, Instant since) {
    return read(
        "SELECT json_quote(at) FROM changes WHERE budget = ? AND julianday(at) >= julianday(?) ORDER BY julianday(at)",
        Instant.class,
        budget,
        since);
  }

  @Override
  public boolean isPlainRevision(String arn) {
    return !read("SELECT json_quote(arn) FROM plain_revisions WHERE arn = ?", String.class, arn)
        .isEmpty();
  }

  @Override
  public void savePlainRevision(String arn) {
    write("INSERT OR IGNORE INTO plain_revisions(arn) VALUES (?)", arn);
  }

  @Override
  public void append(Finding finding) {
    write(
        "INSERT INTO findings(id, time, kind, cluster, service, policy, session, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        finding.id(),
        finding.time().toString(),
        finding.kind().name(),
        finding.cluster().orElse(null),
        finding.service().orElse(null),
        finding.policy().orElse(null),
        finding.session().orElse(null),
        json(finding));
  }

  @Override
  public List<Finding> query(Query query) {
    StringBuilder sql = new StringBuilder("SELECT body FROM findings WHERE 1 = 1");
    List<Object> args = new ArrayList<>();
    query
        .cluster()
        .ifPresent(
            v -> {
              sql.append(" AND cluster = ?");
              args.add(v);
            });
    query
        .service()
        .ifPresent(
            v -> {
              sql.append(" AND service = ?");
              args.add(v);
            });
    query
        .policy()
        .ifPresent(
            v -> {
              sql.append(" AND policy = ?");
              args.add(v);
            });
    query
        .kind()
        .ifPresent(
            v -> {
              sql.append(" AND kind = ?");
              args.add(v.name());
            });
    query
        .since()
        .ifPresent(
            v -> {
              sql.append(" AND julianday(time) >= julianday(?)");
              args.add(v.toString());
            });
    query
        .before()
        .ifPresent(
            v -> {
              sql.append(" AND seq < (SELECT seq FROM findings WHERE id = ?)");
              args.add(v);
            });
    sql.append(" ORDER BY seq DESC LIMIT ?");
    args.add(query.limit());
    return read(sql.toString(), Finding.class, args.toArray());
  }

  @Override
  public Optional<Finding> finding(String id) {
    return read("SELECT body FROM findings WHERE id = ?", Finding.class, id).stream().findFirst();
  }

  @Override
  public int prune(Instant before) {
    lock.lock();
    try (PreparedStatement statement =
        connection.prepareStatement("DELETE FROM findings WHERE julianday(time) < julianday(?)")) {
      statement.setString(1, before.toString());
      return statement.executeUpdate();
    } catch (SQLException e) {
      throw new IllegalStateException("store prune failed: " + e.getMessage(), e);
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void close() {
    lock.lock();
    try {
      connection.close();
    } catch (SQLException e) {
      // closing is best effort; the WAL is consistent either way
    } finally {
      lock.unlock();
    }
  }

  private List<Session> sessions(String sql, Object... args) {
    return read(sql, Session.class, args);
  }

  private <T> List<T> read(String sql, Class<T> type, Object... args) {
    lock.lock();
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
      bind(statement, args);
      List<T> rows = new ArrayList<>();
      try (ResultSet result = statement.executeQuery()) {
        while (result.next()) {
          rows.add(StoreJson.read(result.getString(1), type));
        }
      }
      return rows;
    } catch (SQLException e) {
      throw new IllegalStateException("store read failed: " + e.getMessage(), e);
    } finally {
      lock.unlock();
    }
  }

  /** Runs one statement; returns the rows it changed. */
  private int write(String sql, Object... args) {
    lock.lock();
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
      bind(statement, args);
      return statement.executeUpdate();
    } catch (SQLException e) {
      throw new IllegalStateException("store write failed: " + e.getMessage(), e);
    } finally {
      lock.unlock();
    }
  }

  private static void bind(PreparedStatement statement, Object... args) throws SQLException {
    for (int i = 0; i < args.length; i++) {
      statement.setObject(i + 1, args[i] instanceof Instant instant ? instant.toString() : args[i]);
    }
  }

  private static String json(Object value) {
    return StoreJson.write(value);
  }
}
