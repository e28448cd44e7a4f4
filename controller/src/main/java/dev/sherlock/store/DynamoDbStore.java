package dev.sherlock.store;

import static dev.sherlock.store.DynamoDbTables.EXPIRES_AT;
import static dev.sherlock.store.DynamoDbTables.ORDER;
import static dev.sherlock.store.DynamoDbTables.index;

import dev.sherlock.finding.Finding;
import dev.sherlock.ha.LeaseTable;
import dev.sherlock.session.CapacityChange;
import dev.sherlock.session.Fleet;
import dev.sherlock.session.HandledEvent;
import dev.sherlock.session.InsightsChange;
import dev.sherlock.session.ManagedRevision;
import dev.sherlock.session.PendingRegistration;
import dev.sherlock.session.Session;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;

/**
 * The shared store of several replicas ({@code sherlock run --store dynamodb}): the tables of
 * {@link DynamoDbTables}, each record as the same JSON the SQLite store keeps.
 *
 * <ul>
 *   <li>Every session write bumps a {@code version} and ending one is a conditional write on its
 *       state, so a replica holding an older copy cannot bring an ended session back.
 *   <li>Indexes are eventually consistent: a query on one yields keys, and the items themselves are
 *       read again with strongly consistent reads, so an ended session never shows as active.
 *   <li>Findings expire by time to live ({@code expiresAt}); DynamoDB deletes them within days of
 *       that, and reads never return an expired one meanwhile. They are indexed by day, by service
 *       and by kind, each ordered by time, for the API's filters and its cursor.
 * </ul>
 */
public final class DynamoDbStore implements SessionStore, FindingStore, LeaseTable {
  private static final AttributeValue ACTIVE = s("ACTIVE");
  private static final int BATCH_GET = 100;

  /** How often a compare-and-set is tried again when others keep winning it. */
  private static final int CONTENDED = 10;

  private final DynamoDbClient dynamo;
  private final DynamoDbTables tables;
  private final Clock clock;
  private final Duration retention;

  public DynamoDbStore(
      DynamoDbClient dynamo, DynamoDbTables tables, Clock clock, Duration retention) {
    this.dynamo = dynamo;
    this.tables = tables;
    this.clock = clock;
    this.retention = retention;
  }

  // ------------------------------------------------------------------------------- sessions

  @Override
  public void save(Session session) {
    writeSession(session, Condition.NONE);
  }

  @Override
  public boolean saveIfActive(Session session) {
    return writeSession(session, Condition.WHILE_ACTIVE);
  }

  /**
   * The slot of a service and policy ({@code slot#<service>#<policy>}) names the session that holds
   * it and carries that session's body: it is taken - only if free, or from a holder no longer
   * active, a compare-and-set on the holder - before the session is written. A replica that finds
   * the slot's session missing has come between the two writes, or after a replica that died there:
   * it writes the session from the slot itself (if absent, so a late first write loses nothing) and
   * answers with it. So of two replicas opening the same session at once one opens it, and an
   * interrupted opening is completed, not lost - with no transaction across the two items, which
   * not every DynamoDB-compatible store serves.
   */
  @Override
  public Optional<Session> saveIfFree(Session session) {
    String slot = "slot#" + session.serviceArn() + "#" + session.policy();
    for (int attempt = 1; attempt <= CONTENDED; attempt++) {
      Optional<Map<String, AttributeValue>> held = get(tables.state(), Map.of("pk", s(slot)));
      Optional<Session> holder = held.flatMap(this::holder);
      if (holder.isPresent()) {
        return holder;
      }
      Map<String, AttributeValue> item =
          Map.of("pk", s(slot), "holder", s(session.id()), "body", s(StoreJson.write(session)));
      try {
        dynamo.putItem(
            b -> {
              b.tableName(tables.state()).item(item);
              held.ifPresentOrElse(
                  was ->
                      b.conditionExpression("#holder = :was")
                          .expressionAttributeNames(Map.of("#holder", "holder"))
                          .expressionAttributeValues(Map.of(":was", was.get("holder"))),
                  () -> b.conditionExpression("attribute_not_exists(pk)"));
            });
      } catch (ConditionalCheckFailedException e) {
        continue; // another replica took the slot between the read and the write: look again
      }
      writeSession(session, Condition.NONE);
      return Optional.empty();
    }
    throw new IllegalStateException(
        "the slot of %s on %s changed %d times while opening a session"
            .formatted(session.policy(), session.serviceName(), CONTENDED));
  }

  /**
   * The session holding a slot while it is active; a session the slot names and the sessions table
   * lacks is written from the slot first, unless it has expired meanwhile.
   */
  private Optional<Session> holder(Map<String, AttributeValue> slot) {
    Optional<Session> stored = session(slot.get("holder").s());
    if (stored.isPresent()) {
      return stored.filter(s -> s.state() == Session.State.ACTIVE);
    }
    Session intended = StoreJson.read(slot.get("body").s(), Session.class);
    if (!intended.expiresAt().isAfter(clock.instant())) {
      return Optional.empty();
    }
    writeSession(intended, Condition.IF_ABSENT);
    return session(intended.id()).filter(s -> s.state() == Session.State.ACTIVE);
  }

  /** On what a session's write depends. */
  private enum Condition {
    NONE,
    /** ENDED and FAILED are terminal: a change is stored only while the stored one is ACTIVE. */
    WHILE_ACTIVE,
    /** Written only if there is no session of that id yet. */
    IF_ABSENT
  }

  private boolean writeSession(Session session, Condition condition) {
    boolean active = session.state() == Session.State.ACTIVE;
    Map<String, AttributeValue> set = new LinkedHashMap<>();
    set.put("serviceArn", s(session.serviceArn()));
    set.put("state", s(session.state().name()));
    set.put("all", s("session"));
    set.put(ORDER, s(order(session.openedAt(), session.id())));
    set.put("body", s(StoreJson.write(session)));
    if (active) {
      set.put("active", ACTIVE);
    }
    Map<String, String> names = new HashMap<>();
    Map<String, AttributeValue> values = new HashMap<>();
    List<String> assignments = new ArrayList<>();
    set.forEach(
        (name, value) -> {
          String n = Integer.toString(names.size());
          names.put("#a" + n, name);
          values.put(":a" + n, value);
          assignments.add("#a%s = :a%s".formatted(n, n));
        });
    StringBuilder expression = new StringBuilder("SET ").append(String.join(", ", assignments));
    if (!active) {
      names.put("#active", "active");
      expression.append(" REMOVE #active");
    }
    names.put("#version", "version");
    values.put(":one", n(1));
    expression.append(" ADD #version :one");
    switch (condition) {
      case NONE -> {}
      case WHILE_ACTIVE -> {
        names.put("#state", "state");
        values.put(":active", ACTIVE);
      }
      case IF_ABSENT -> names.put("#id", "id");
    }
    try {
      dynamo.updateItem(
          b -> {
            b.tableName(tables.sessions())
                .key(Map.of("id", s(session.id())))
                .updateExpression(expression.toString())
                .expressionAttributeNames(names)
                .expressionAttributeValues(values);
            switch (condition) {
              case NONE -> {}
              case WHILE_ACTIVE -> b.conditionExpression("#state = :active");
              case IF_ABSENT -> b.conditionExpression("attribute_not_exists(#id)");
            }
          });
      return true;
    } catch (ConditionalCheckFailedException e) {
      return false;
    }
  }

  @Override
  public Optional<Session> session(String id) {
    return get(tables.sessions(), Map.of("id", s(id)))
        .map(item -> StoreJson.read(item.get("body").s(), Session.class));
  }

  @Override
  public List<Session> active() {
    return sessions(indexed(tables.sessions(), "active", ACTIVE, Optional.empty(), true, 0))
        .stream()
        .filter(session -> session.state() == Session.State.ACTIVE)
        .toList();
  }

  @Override
  public List<Session> ofService(String serviceArn) {
    return sessions(
        indexed(tables.sessions(), "serviceArn", s(serviceArn), Optional.empty(), true, 0));
  }

  @Override
  public List<Session> recent(int limit) {
    return sessions(
        indexed(tables.sessions(), "all", s("session"), Optional.empty(), false, limit));
  }

  private static List<Session> sessions(List<Map<String, AttributeValue>> items) {
    return items.stream().map(item -> StoreJson.read(item.get("body").s(), Session.class)).toList();
  }

  // -------------------------------------------------------------------------- service state

  @Override
  public Optional<CapacityChange> capacity(String serviceArn) {
    return stateBody("capacity#" + serviceArn, CapacityChange.class);
  }

  @Override
  public void saveCapacity(String serviceArn, CapacityChange change) {
    putState("capacity#" + serviceArn, Optional.of(StoreJson.write(change)), Map.of(), false);
  }

  @Override
  public void clearCapacity(String serviceArn) {
    deleteState("capacity#" + serviceArn);
  }

  @Override
  public Optional<InsightsChange> insights(String cluster) {
    return stateBody("insights#" + cluster, InsightsChange.class);
  }

  @Override
  public void saveInsights(InsightsChange change) {
    putState("insights#" + change.cluster(), Optional.of(StoreJson.write(change)), Map.of(), false);
  }

  @Override
  public void clearInsights(String cluster) {
    deleteState("insights#" + cluster);
  }

  @Override
  public Optional<Boolean> execBefore(String serviceArn) {
    return stateBody("exec#" + serviceArn, Boolean.class);
  }

  @Override
  public void saveExecBefore(String serviceArn, boolean enabled) {
    // The first value is what the service had before Sherlock: a later one must not replace it.
    putState("exec#" + serviceArn, Optional.of(StoreJson.write(enabled)), Map.of(), true);
  }

  @Override
  public void clearExecBefore(String serviceArn) {
    deleteState("exec#" + serviceArn);
  }

  @Override
  public boolean draining() {
    return get(tables.state(), Map.of("pk", s("draining"))).isPresent();
  }

  @Override
  public void saveDraining() {
    putState("draining", Optional.of(StoreJson.write(clock.instant())), Map.of(), true);
  }

  @Override
  public void saveRevision(ManagedRevision revision) {
    putState(
        "revision#" + revision.arn(),
        Optional.of(StoreJson.write(revision)),
        Map.of("group", s("revisions#" + revision.serviceArn()), ORDER, s(revision.arn())),
        false);
  }

  @Override
  public void saveRegistering(PendingRegistration pending) {
    putState(
        "registering#" + pending.serviceArn(),
        Optional.of(StoreJson.write(pending)),
        Map.of(),
        false);
  }

  @Override
  public Optional<PendingRegistration> registering(String serviceArn) {
    return stateBody("registering#" + serviceArn, PendingRegistration.class);
  }

  @Override
  public void clearRegistering(String serviceArn) {
    deleteState("registering#" + serviceArn);
  }

  @Override
  public Optional<ManagedRevision> revision(String arn) {
    return stateBody("revision#" + arn, ManagedRevision.class);
  }

  @Override
  public List<ManagedRevision> revisionsOf(String serviceArn) {
    return indexed(tables.state(), "group", s("revisions#" + serviceArn), Optional.empty(), true, 0)
        .stream()
        .map(item -> StoreJson.read(item.get("body").s(), ManagedRevision.class))
        .toList();
  }

  @Override
  public void forgetRevision(String arn) {
    deleteState("revision#" + arn);
  }

  @Override
  public boolean isPlainRevision(String arn) {
    return get(tables.state(), Map.of("pk", s("plain#" + arn))).isPresent();
  }

  @Override
  public void savePlainRevision(String arn) {
    putState("plain#" + arn, Optional.empty(), Map.of(), false);
  }

  @Override
  public void saveFleet(Fleet fleet) {
    putState(
        "fleet#" + fleet.id(),
        Optional.of(StoreJson.write(fleet)),
        Map.of("group", s("fleets"), ORDER, s(order(fleet.openedAt(), fleet.id()))),
        false);
  }

  @Override
  public Optional<Fleet> fleet(String id) {
    return stateBody("fleet#" + id, Fleet.class);
  }

  @Override
  public List<Fleet> fleetsSince(Instant since) {
    return indexed(
            tables.state(), "group", s("fleets"), Optional.of(StoreJson.sortable(since)), true, 0)
        .stream()
        .map(item -> StoreJson.read(item.get("body").s(), Fleet.class))
        .toList();
  }

  // ------------------------------------------------------------------- events and budgets

  @Override
  public void saveHandledEvent(HandledEvent event) {
    dynamo.putItem(
        b ->
            b.tableName(tables.state())
                .item(
                    Map.of(
                        "pk",
                        s("event#" + event.id()),
                        "group",
                        s(eventHour(event.handledAt())),
                        ORDER,
                        s(order(event.handledAt(), event.id())),
                        "body",
                        s(StoreJson.write(event)),
                        EXPIRES_AT,
                        n(event.handledAt().plus(EVENT_MEMORY).getEpochSecond()))));
  }

  /**
   * Handled events are indexed by the hour they were handled in: one partition of the index holds
   * an hour's, whatever the fleet's rate of events, and a replica taking over reads a day's in 24
   * queries. They never change, so the index's copy is read as it is.
   */
  @Override
  public List<HandledEvent> handledSince(Instant since) {
    List<HandledEvent> events = new ArrayList<>();
    Optional<Range> from = Optional.of(new Range(">=", StoreJson.sortable(since)));
    for (Instant hour = since.truncatedTo(ChronoUnit.HOURS);
        !hour.isAfter(clock.instant());
        hour = hour.plus(Duration.ofHours(1))) {
      for (Map<String, AttributeValue> item :
          partition(tables.state(), "group", s(eventHour(hour)), from, true, 1000)) {
        if (unexpired(item)) {
          events.add(StoreJson.read(item.get("body").s(), HandledEvent.class));
        }
      }
    }
    return events;
  }

  private static String eventHour(Instant at) {
    return "events#" + StoreJson.sortable(at.truncatedTo(ChronoUnit.HOURS)).substring(0, 13);
  }

  /**
   * A budget is one item ({@code changes#<budget>}) listing the changes of its window, replaced
   * only if no one replaced it since it was read (a {@code rev} that grows by one).
   */
  @Override
  public boolean takeChange(String budget, Instant at, Instant since, int limit) {
    String pk = "changes#" + budget;
    for (int attempt = 1; attempt <= CONTENDED; attempt++) {
      Optional<Map<String, AttributeValue>> item = get(tables.state(), Map.of("pk", s(pk)));
      List<Instant> taken = new ArrayList<>(changesIn(item, since));
      if (taken.size() >= limit) {
        return false;
      }
      taken.add(at);
      Optional<AttributeValue> rev = item.map(i -> i.get("rev"));
      long next = rev.map(r -> Long.parseLong(r.n()) + 1).orElse(1L);
      try {
        dynamo.putItem(
            b -> {
              b.tableName(tables.state())
                  .item(
                      Map.of(
                          "pk",
                          s(pk),
                          "body",
                          s(StoreJson.write(taken)),
                          "rev",
                          n(next),
                          EXPIRES_AT,
                          n(at.plus(Duration.ofDays(1)).getEpochSecond())));
              rev.ifPresentOrElse(
                  r ->
                      b.conditionExpression("#rev = :rev")
                          .expressionAttributeNames(Map.of("#rev", "rev"))
                          .expressionAttributeValues(Map.of(":rev", r)),
                  () -> b.conditionExpression("attribute_not_exists(pk)"));
            });
        return true;
      } catch (ConditionalCheckFailedException e) {
        // another change was taken between the read and the write: count again
      }
    }
    throw new IllegalStateException(
        "the budget %s changed %d times while taking a change".formatted(budget, CONTENDED));
  }

  @Override
  public List<Instant> changes(String budget, Instant since) {
    return changesIn(get(tables.state(), Map.of("pk", s("changes#" + budget))), since);
  }

  private static List<Instant> changesIn(
      Optional<Map<String, AttributeValue>> item, Instant since) {
    return item
        .map(i -> List.of(StoreJson.read(i.get("body").s(), Instant[].class)))
        .orElse(List.of())
        .stream()
        .filter(at -> !at.isBefore(since))
        .toList();
  }

  private <T> Optional<T> stateBody(String pk, Class<T> type) {
    return get(tables.state(), Map.of("pk", s(pk)))
        .map(item -> StoreJson.read(item.get("body").s(), type));
  }

  private void putState(
      String pk, Optional<String> body, Map<String, AttributeValue> more, boolean keepExisting) {
    Map<String, AttributeValue> item = new HashMap<>(more);
    item.put("pk", s(pk));
    body.ifPresent(b -> item.put("body", s(b)));
    try {
      dynamo.putItem(
          b -> {
            b.tableName(tables.state()).item(item);
            if (keepExisting) {
              b.conditionExpression("attribute_not_exists(pk)");
            }
          });
    } catch (ConditionalCheckFailedException e) {
      // kept: the first value stands
    }
  }

  private void deleteState(String pk) {
    dynamo.deleteItem(b -> b.tableName(tables.state()).key(Map.of("pk", s(pk))));
  }

  // ------------------------------------------------------------------------------- findings

  @Override
  public void append(Finding finding) {
    Map<String, AttributeValue> item = new HashMap<>();
    item.put("id", s(finding.id()));
    item.put("day", s(day(finding.time()).toString()));
    item.put(ORDER, s(order(finding.time(), finding.id())));
    item.put("kind", s(finding.kind().name()));
    finding.cluster().ifPresent(v -> item.put("cluster", s(v)));
    finding.service().ifPresent(v -> item.put("service", s(v)));
    finding.policy().ifPresent(v -> item.put("policy", s(v)));
    item.put("body", s(StoreJson.write(finding)));
    item.put(EXPIRES_AT, n(finding.time().plus(retention).getEpochSecond()));
    dynamo.putItem(b -> b.tableName(tables.findings()).item(item));
  }

  @Override
  public Optional<Finding> finding(String id) {
    return get(tables.findings(), Map.of("id", s(id)))
        .filter(this::unexpired)
        .map(DynamoDbStore::finding);
  }

  /**
   * Newest first: on the index of the service or of the kind when the query names one, else day by
   * day back from today (or from the cursor's day) to the retention's start; the other filters are
   * applied as the items come.
   */
  @Override
  public List<Finding> query(Query query) {
    Optional<String> before =
        query
            .before()
            .flatMap(id -> get(tables.findings(), Map.of("id", s(id))))
            .map(item -> item.get(ORDER).s());
    if (query.before().isPresent() && before.isEmpty()) {
      return List.of(); // a cursor past the end, or pruned
    }
    Optional<String> since = query.since().map(StoreJson::sortable);
    Predicate<Map<String, AttributeValue>> matches =
        item ->
            unexpired(item)
                && query.cluster().map(c -> c.equals(text(item, "cluster"))).orElse(true)
                && query.service().map(v -> v.equals(text(item, "service"))).orElse(true)
                && query.policy().map(p -> p.equals(text(item, "policy"))).orElse(true)
                && query.kind().map(k -> k.name().equals(text(item, "kind"))).orElse(true);
    List<Finding> found = new ArrayList<>();
    if (query.service().isPresent() || query.kind().isPresent()) {
      String hashKey = query.service().isPresent() ? "service" : "kind";
      AttributeValue value = s(query.service().orElseGet(() -> query.kind().orElseThrow().name()));
      collect(hashKey, value, before, since, matches, query.limit(), found);
      return found;
    }
    LocalDate oldest = day(clock.instant().minus(retention));
    if (query.since().isPresent() && day(query.since().get()).isAfter(oldest)) {
      oldest = day(query.since().get());
    }
    LocalDate newest =
        before.map(b -> LocalDate.parse(b.substring(0, 10))).orElse(day(clock.instant()));
    for (LocalDate day = newest; !day.isBefore(oldest) && found.size() < query.limit(); ) {
      collect("day", s(day.toString()), before, since, matches, query.limit(), found);
      day = day.minusDays(1);
    }
    return found;
  }

  /** Adds to {@code found}, newest first, the matching findings of one index partition. */
  private void collect(
      String hashKey,
      AttributeValue value,
      Optional<String> before,
      Optional<String> since,
      Predicate<Map<String, AttributeValue>> matches,
      int limit,
      List<Finding> found) {
    Optional<Range> range =
        before.map(b -> new Range("<", b)).or(() -> since.map(v -> new Range(">=", v)));
    for (Map<String, AttributeValue> item :
        partition(tables.findings(), hashKey, value, range, false, Math.max(limit, 10))) {
      if (since.isPresent() && item.get(ORDER).s().compareTo(since.get()) < 0) {
        return; // older than asked for, and so is everything after it
      }
      if (matches.test(item)) {
        found.add(finding(item));
        if (found.size() >= limit) {
          return;
        }
      }
    }
  }

  /**
   * Deletes what is older than {@code before} in the week before it: time to live takes the rest
   * (DynamoDB deletes expired items within days), and reads never see an expired one meanwhile.
   */
  @Override
  public int prune(Instant before) {
    int deleted = 0;
    String until = StoreJson.sortable(before);
    for (LocalDate day = day(before); !day.isBefore(day(before).minusDays(7)); ) {
      for (Map<String, AttributeValue> item :
          keysOf(tables.findings(), "day", s(day.toString()), until)) {
        dynamo.deleteItem(b -> b.tableName(tables.findings()).key(Map.of("id", item.get("id"))));
        deleted++;
      }
      day = day.minusDays(1);
    }
    return deleted;
  }

  private List<Map<String, AttributeValue>> keysOf(
      String table, String hashKey, AttributeValue value, String before) {
    List<Map<String, AttributeValue>> keys = new ArrayList<>();
    partition(table, hashKey, value, Optional.of(new Range("<", before)), true, 100)
        .forEach(keys::add);
    return keys;
  }

  private boolean unexpired(Map<String, AttributeValue> item) {
    AttributeValue expires = item.get(EXPIRES_AT);
    return expires == null || Long.parseLong(expires.n()) > clock.instant().getEpochSecond();
  }

  private static Finding finding(Map<String, AttributeValue> item) {
    return StoreJson.read(item.get("body").s(), Finding.class);
  }

  // --------------------------------------------------------------------------------- leases

  @Override
  public Optional<LeaseTable.Record> read(String lease) {
    return get(tables.state(), Map.of("pk", s("lease#" + lease))).map(DynamoDbStore::lease);
  }

  @Override
  public Map<String, LeaseTable.Record> list(String prefix) {
    Map<String, LeaseTable.Record> leases = new java.util.TreeMap<>();
    for (Map<String, AttributeValue> item :
        partition(tables.state(), "group", s("leases"), Optional.empty(), true, 100)) {
      String name = item.get(ORDER).s();
      if (name.startsWith(prefix)) {
        leases.put(name, lease(item));
      }
    }
    return leases;
  }

  private static LeaseTable.Record lease(Map<String, AttributeValue> item) {
    return new LeaseTable.Record(
        item.get("holder").s(),
        item.get("version").s(),
        Duration.ofMillis(Long.parseLong(item.get("durationMillis").n())));
  }

  @Override
  public boolean create(String lease, LeaseTable.Record record) {
    return putLease(lease, record, "attribute_not_exists(pk)", Map.of());
  }

  @Override
  public boolean replace(String lease, String expectedVersion, LeaseTable.Record record) {
    return putLease(lease, record, "#version = :expected", Map.of(":expected", s(expectedVersion)));
  }

  @Override
  public void release(String lease, String expectedVersion) {
    try {
      dynamo.deleteItem(
          b ->
              b.tableName(tables.state())
                  .key(Map.of("pk", s("lease#" + lease)))
                  .conditionExpression("#version = :expected")
                  .expressionAttributeNames(Map.of("#version", "version"))
                  .expressionAttributeValues(Map.of(":expected", s(expectedVersion))));
    } catch (ConditionalCheckFailedException e) {
      // someone else's by now
    }
  }

  private boolean putLease(
      String lease,
      LeaseTable.Record record,
      String condition,
      Map<String, AttributeValue> conditionValues) {
    Map<String, AttributeValue> item =
        Map.of(
            "pk",
            s("lease#" + lease),
            "group",
            s("leases"),
            ORDER,
            s(lease),
            "holder",
            s(record.holder()),
            "version",
            s(record.version()),
            "durationMillis",
            n(record.duration().toMillis()));
    try {
      dynamo.putItem(
          b -> {
            b.tableName(tables.state()).item(item).conditionExpression(condition);
            if (!conditionValues.isEmpty()) {
              b.expressionAttributeNames(Map.of("#version", "version"))
                  .expressionAttributeValues(conditionValues);
            }
          });
      return true;
    } catch (ConditionalCheckFailedException e) {
      return false;
    }
  }

  // ------------------------------------------------------------------------------- plumbing

  private Optional<Map<String, AttributeValue>> get(String table, Map<String, AttributeValue> key) {
    var item = dynamo.getItem(b -> b.tableName(table).key(key).consistentRead(true)).item();
    return item == null || item.isEmpty() ? Optional.empty() : Optional.of(item);
  }

  /**
   * The items of one index partition in index order (oldest first unless not {@code forward}), read
   * again by key with strongly consistent reads; items deleted since the index saw them are left
   * out.
   *
   * @param from the smallest {@code order} wanted, if any
   * @param limit at most this many, 0 for all
   */
  private List<Map<String, AttributeValue>> indexed(
      String table,
      String hashKey,
      AttributeValue value,
      Optional<String> from,
      boolean forward,
      int limit) {
    String keyName = table.equals(tables.state()) ? "pk" : "id";
    List<Map<String, AttributeValue>> keys = new ArrayList<>();
    for (Map<String, AttributeValue> item :
        partition(
            table,
            hashKey,
            value,
            from.map(f -> new Range(">=", f)),
            forward,
            limit > 0 ? limit : 100)) {
      keys.add(Map.of(keyName, item.get(keyName)));
      if (limit > 0 && keys.size() >= limit) {
        break;
      }
    }
    return consistentGet(table, keyName, keys);
  }

  /** A bound on an index's {@code order}: {@code <} or {@code >=} a value. */
  private record Range(String operator, String bound) {}

  /**
   * The items of one index partition in {@code order}, fetched a page at a time as they are
   * iterated: a reader that stops early reads no further page.
   */
  private Iterable<Map<String, AttributeValue>> partition(
      String table,
      String hashKey,
      AttributeValue value,
      Optional<Range> range,
      boolean forward,
      int pageSize) {
    Map<String, String> names = new HashMap<>(Map.of("#h", hashKey));
    Map<String, AttributeValue> values = new HashMap<>(Map.of(":h", value));
    String condition = "#h = :h";
    if (range.isPresent()) {
      condition += " AND #o " + range.get().operator() + " :bound";
      names.put("#o", ORDER);
      values.put(":bound", s(range.get().bound()));
    }
    return dynamo
        .queryPaginator(
            QueryRequest.builder()
                .tableName(table)
                .indexName(index(hashKey))
                .keyConditionExpression(condition)
                .expressionAttributeNames(names)
                .expressionAttributeValues(values)
                .scanIndexForward(forward)
                .limit(pageSize)
                .build())
        .items();
  }

  /** BatchGetItem with strongly consistent reads, in the order of {@code keys}. */
  private List<Map<String, AttributeValue>> consistentGet(
      String table, String keyName, List<Map<String, AttributeValue>> keys) {
    Map<String, Map<String, AttributeValue>> byKey = new HashMap<>();
    for (int i = 0; i < keys.size(); i += BATCH_GET) {
      Map<String, KeysAndAttributes> pending =
          Map.of(
              table,
              KeysAndAttributes.builder()
                  .keys(keys.subList(i, Math.min(keys.size(), i + BATCH_GET)))
                  .consistentRead(true)
                  .build());
      while (!pending.isEmpty()) {
        Map<String, KeysAndAttributes> request = pending;
        BatchGetItemResponse response = dynamo.batchGetItem(b -> b.requestItems(request));
        response
            .responses()
            .getOrDefault(table, List.of())
            .forEach(item -> byKey.put(item.get(keyName).s(), item));
        pending = response.hasUnprocessedKeys() ? response.unprocessedKeys() : Map.of();
      }
    }
    List<Map<String, AttributeValue>> items = new ArrayList<>();
    for (Map<String, AttributeValue> key : keys) {
      Map<String, AttributeValue> item = byKey.get(key.get(keyName).s());
      if (item != null) {
        items.add(item);
      }
    }
    return items;
  }

  private static String order(Instant at, String id) {
    return StoreJson.sortable(at) + "#" + id;
  }

  private static LocalDate day(Instant at) {
    return LocalDate.ofInstant(at, ZoneOffset.UTC);
  }

  private static String text(Map<String, AttributeValue> item, String name) {
    AttributeValue value = item.get(name);
    return value == null ? null : value.s();
  }

  private static AttributeValue s(String value) {
    return AttributeValue.fromS(value);
  }

  private static AttributeValue n(long value) {
    return AttributeValue.fromN(Long.toString(value));
  }
}
