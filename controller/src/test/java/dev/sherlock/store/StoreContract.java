package dev.sherlock.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.sherlock.finding.Finding;
import dev.sherlock.finding.FindingKind;
import dev.sherlock.session.CapacityChange;
import dev.sherlock.session.Fleet;
import dev.sherlock.session.HandledEvent;
import dev.sherlock.session.ManagedRevision;
import dev.sherlock.session.PendingRegistration;
import dev.sherlock.session.Session;
import dev.sherlock.session.TestSessions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * What every store promises the controller, run against each one (SQLite, DynamoDB): the same
 * sessions, compare-and-set, orderings, service state and findings, whichever is behind it.
 */
abstract class StoreContract {
  static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");
  static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
  static final Duration RETENTION = Duration.ofDays(30);
  static final String WEB = "arn:aws:ecs:us-east-1:123456789012:service/shop/web";
  static final String API = "arn:aws:ecs:us-east-1:123456789012:service/shop/api";

  /**
   * An empty store whose clock stands at {@link #NOW}, keeping findings for {@link #RETENTION}: its
   * sessions side. {@link #findings()} is the same store.
   */
  abstract SessionStore sessions();

  abstract FindingStore findings();

  @Test
  void anEndedSessionCannotBeBroughtBackByAStaleCopy() {
    SessionStore store = sessions();
    Session open = session("s1", WEB, NOW);
    store.save(open);
    Session stale = open.withExpiry(NOW.plusSeconds(7200));

    assertThat(store.saveIfActive(open.withState(Session.State.ENDED, NOW, "ended"))).isTrue();
    assertThat(store.saveIfActive(stale)).isFalse();
    assertThat(store.saveIfActive(session("never-saved", WEB, NOW))).isFalse();
    assertThat(store.session("s1"))
        .hasValueSatisfying(s -> assertThat(s.state()).isEqualTo(Session.State.ENDED));
    assertThat(store.active()).isEmpty();
  }

  @Test
  void sessionsAreOrderedByOpeningEvenWithinOneSecond() {
    SessionStore store = sessions();
    store.save(session("b", WEB, NOW.plusMillis(500)));
    store.save(session("a", WEB, NOW));
    store.save(session("c", API, NOW.plusSeconds(1)));
    store.save(session("d", WEB, NOW.plusSeconds(2)).withState(Session.State.ENDED, NOW, "ended"));

    assertThat(store.active()).extracting(Session::id).containsExactly("a", "b", "c");
    assertThat(store.ofService(WEB)).extracting(Session::id).containsExactly("a", "b", "d");
    assertThat(store.recent(3)).extracting(Session::id).containsExactly("d", "c", "b");
    assertThat(store.session("missing")).isEmpty();
  }

  @Test
  void serviceStateKeepsTheFirstExecSettingAndForgetsWhatIsCleared() {
    SessionStore store = sessions();
    store.saveExecBefore(WEB, false);
    store.saveExecBefore(WEB, true);
    store.saveCapacity(WEB, new CapacityChange(true, 2, 4, 2, 3));
    store.saveCapacity(WEB, new CapacityChange(true, 2, 4, 2, 4));

    assertThat(store.execBefore(WEB)).contains(false);
    assertThat(store.capacity(WEB)).hasValueSatisfying(c -> assertThat(c.raisedTo()).isEqualTo(4));
    store.clearExecBefore(WEB);
    store.clearCapacity(WEB);
    assertThat(store.execBefore(WEB)).isEmpty();
    assertThat(store.capacity(WEB)).isEmpty();
    assertThat(store.execBefore(API)).isEmpty();
  }

  @Test
  void revisionsAreKeptPerServiceUntilForgotten() {
    SessionStore store = sessions();
    String family = "arn:aws:ecs:us-east-1:123456789012:task-definition/web:";
    store.saveRevision(new ManagedRevision(family + "8", WEB, family + "7", "h1"));
    store.saveRevision(new ManagedRevision(family + "9", WEB, family + "7", "h2"));
    store.saveRevision(new ManagedRevision(family + "3", API, family + "2", "h3"));
    store.forgetRevision(family + "8");
    store.savePlainRevision(family + "7");

    assertThat(store.revisionsOf(WEB))
        .extracting(ManagedRevision::arn)
        .containsExactly(family + "9");
    assertThat(store.revision(family + "3"))
        .hasValueSatisfying(r -> assertThat(r.serviceArn()).isEqualTo(API));
    assertThat(store.revision(family + "8")).isEmpty();
    assertThat(store.isPlainRevision(family + "7")).isTrue();
    assertThat(store.isPlainRevision(family + "9")).isFalse();
  }

  @Test
  void aPendingRegistrationIsOnePerServiceUntilCleared() {
    SessionStore store = sessions();
    String base = "arn:aws:ecs:us-east-1:123456789012:task-definition/web:7";
    store.saveRegistering(new PendingRegistration(WEB, "web", base, "h1", NOW));
    store.saveRegistering(new PendingRegistration(WEB, "web", base, "h2", NOW.plusSeconds(1)));
    store.saveRegistering(new PendingRegistration(API, "api", base, "h3", NOW));
    store.clearRegistering(API);

    assertThat(store.registering(WEB))
        .as("the newer intent replaces the older")
        .contains(new PendingRegistration(WEB, "web", base, "h2", NOW.plusSeconds(1)));
    assertThat(store.registering(API)).isEmpty();
  }

  @Test
  void aPolicyOpensOneSessionPerServiceUntilThatSessionEnds() {
    SessionStore store = sessions();
    Session first = session("s1", WEB, NOW);
    assertThat(store.saveIfFree(first)).isEmpty();
    assertThat(store.saveIfFree(session("s2", WEB, NOW.plusSeconds(1))))
        .as("the same policy on the same service")
        .hasValueSatisfying(holder -> assertThat(holder.id()).isEqualTo("s1"));
    assertThat(store.saveIfFree(session("s3", API, NOW))).as("another service").isEmpty();
    assertThat(
            store.saveIfFree(
                TestSessions.active(
                    "s4",
                    "other-policy",
                    List.of(),
                    WEB,
                    Session.Origin.MANUAL,
                    NOW,
                    Duration.ofHours(1))))
        .as("another policy")
        .isEmpty();

    store.saveIfActive(first.withState(Session.State.ENDED, NOW.plusSeconds(5), "ended"));
    assertThat(store.saveIfFree(session("s5", WEB, NOW.plusSeconds(10))))
        .as("once the first ended")
        .isEmpty();
    assertThat(store.session("s2")).as("the refused one was not stored").isEmpty();
    assertThat(store.active()).extracting(Session::id).containsExactly("s3", "s4", "s5");
  }

  @Test
  void ofManyOpeningTheSameSessionAtOnceOneStoresIt() throws Exception {
    SessionStore store = sessions();
    int openers = 8;
    var ready = new java.util.concurrent.CountDownLatch(openers);
    List<java.util.concurrent.Future<Optional<Session>>> outcomes = new java.util.ArrayList<>();
    try (var pool = java.util.concurrent.Executors.newFixedThreadPool(openers)) {
      for (int i = 0; i < openers; i++) {
        Session mine = session("s" + i, WEB, NOW);
        outcomes.add(
            pool.submit(
                () -> {
                  ready.countDown();
                  ready.await();
                  return store.saveIfFree(mine);
                }));
      }
    }
    long stored = 0;
    for (var outcome : outcomes) {
      stored += outcome.get().isEmpty() ? 1 : 0;
    }
    assertThat(stored).isEqualTo(1);
    assertThat(store.active()).hasSize(1);
  }

  @Test
  void handledEventsAreRememberedForADayInTheOrderHandled() {
    SessionStore store = sessions();
    String task = "arn:aws:ecs:us-east-1:123456789012:task/shop/t1";
    var old =
        new HandledEvent(
            "e0", NOW.minus(Duration.ofHours(25)), WEB, Optional.empty(), 0, Optional.empty());
    var stop =
        new HandledEvent(
            "e1",
            NOW.minus(Duration.ofHours(3)),
            WEB,
            Optional.of(task),
            4,
            Optional.of(NOW.minus(Duration.ofHours(3))));
    var fired =
        new HandledEvent("e2", NOW.minusSeconds(1), API, Optional.empty(), 0, Optional.empty());
    store.saveHandledEvent(old);
    store.saveHandledEvent(fired);
    store.saveHandledEvent(stop);
    store.saveHandledEvent(stop);

    assertThat(store.handledSince(NOW.minus(SessionStore.EVENT_MEMORY)))
        .containsExactly(stop, fired);
    assertThat(store.handledSince(NOW.minus(Duration.ofHours(1)))).containsExactly(fired);
  }

  @Test
  void aBudgetGivesNoMoreChangesThanItsLimitWithinItsWindow() {
    SessionStore store = sessions();
    Instant hourAgo = NOW.minus(Duration.ofHours(1));
    assertThat(
            store.takeChange(
                "f-1", NOW.minus(Duration.ofMinutes(90)), hourAgo.minus(Duration.ofMinutes(90)), 2))
        .isTrue();
    assertThat(store.takeChange("f-1", NOW.minusSeconds(60), hourAgo, 2))
        .as("the first is out of the window")
        .isTrue();
    assertThat(store.takeChange("f-1", NOW, hourAgo, 2)).isTrue();
    assertThat(store.takeChange("f-1", NOW, hourAgo, 2)).as("the limit").isFalse();
    assertThat(store.takeChange(SessionStore.GLOBAL_BUDGET, NOW, hourAgo, 2))
        .as("another budget")
        .isTrue();

    assertThat(store.changes("f-1", hourAgo)).containsExactly(NOW.minusSeconds(60), NOW);
    assertThat(store.changes("f-2", hourAgo)).isEmpty();
  }

  @Test
  void aBudgetTakenFromManyThreadsAtOnceIsNotOverspent() throws Exception {
    SessionStore store = sessions();
    Instant hourAgo = NOW.minus(Duration.ofHours(1));
    int takers = 8;
    var ready = new java.util.concurrent.CountDownLatch(takers);
    List<java.util.concurrent.Future<Boolean>> taken = new java.util.ArrayList<>();
    try (var pool = java.util.concurrent.Executors.newFixedThreadPool(takers)) {
      for (int i = 0; i < takers; i++) {
        taken.add(
            pool.submit(
                () -> {
                  ready.countDown();
                  ready.await();
                  return store.takeChange(SessionStore.GLOBAL_BUDGET, NOW, hourAgo, 3);
                }));
      }
    }
    long granted = 0;
    for (var t : taken) {
      granted += t.get() ? 1 : 0;
    }
    assertThat(granted).isEqualTo(3);
    assertThat(store.changes(SessionStore.GLOBAL_BUDGET, hourAgo)).hasSize(3);
  }

  @Test
  void fleetsAreFoundByIdAndByTheHourTheyOpenedIn() {
    SessionStore store = sessions();
    store.saveFleet(fleet("f-old", NOW.minus(Duration.ofHours(2))));
    store.saveFleet(fleet("f-new", NOW.minusSeconds(60)));
    store.saveFleet(fleet("f-newer", NOW));

    assertThat(store.fleetsSince(NOW.minus(Duration.ofHours(1))))
        .extracting(Fleet::id)
        .containsExactly("f-new", "f-newer");
    assertThat(store.fleet("f-old")).isPresent();
    assertThat(store.fleet("f-none")).isEmpty();
  }

  @Test
  void drainingIsRecordedOnce() {
    SessionStore store = sessions();
    assertThat(store.draining()).isFalse();
    store.saveDraining();
    store.saveDraining();
    assertThat(store.draining()).isTrue();
  }

  @Test
  void findingsArePagedNewestFirstFilteredAndPruned() {
    FindingStore store = findings();
    for (int i = 0; i < 5; i++) {
      store.append(finding("f" + i, NOW.minus(Duration.ofDays(5 - i)), i % 2 == 0 ? "web" : "api"));
    }
    store.append(
        new Finding(
            "f5",
            NOW,
            FindingKind.SessionOpened,
            Optional.of("shop"),
            Optional.of("web"),
            Optional.of("debug-logs"),
            Optional.of("s1"),
            "opened",
            JsonNodeFactory.instance.objectNode()));

    List<Finding> first = store.query(FindingStore.Query.all(2));
    List<Finding> next =
        store.query(
            query(Optional.empty(), Optional.empty(), Optional.of(first.getLast().id()), 2));

    assertThat(first).extracting(Finding::id).containsExactly("f5", "f4");
    assertThat(next).extracting(Finding::id).containsExactly("f3", "f2");
    assertThat(store.query(query(Optional.of("web"), Optional.empty(), Optional.empty(), 10)))
        .extracting(Finding::id)
        .containsExactly("f5", "f4", "f2", "f0");
    assertThat(
            store.query(
                query(
                    Optional.of("web"), Optional.of(FindingKind.Snapshot), Optional.of("f4"), 10)))
        .extracting(Finding::id)
        .containsExactly("f2", "f0");
    assertThat(
            store.query(
                new FindingStore.Query(
                    Optional.of("shop"),
                    Optional.empty(),
                    Optional.of("debug-logs"),
                    Optional.empty(),
                    Optional.of(NOW.minus(Duration.ofDays(1))),
                    Optional.empty(),
                    10)))
        .extracting(Finding::id)
        .containsExactly("f5");
    assertThat(
            store.query(
                new FindingStore.Query(
                    Optional.empty(),
                    Optional.empty(),
                    Optional.empty(),
                    Optional.empty(),
                    Optional.of(NOW.minus(Duration.ofDays(3))),
                    Optional.empty(),
                    10)))
        .extracting(Finding::id)
        .containsExactly("f5", "f4", "f3", "f2");
    assertThat(store.finding("f3"))
        .hasValueSatisfying(f -> assertThat(f.evidence().path("n").asInt()).isEqualTo(3));

    assertThat(store.prune(NOW.minus(Duration.ofDays(3)))).isEqualTo(2);
    assertThat(store.query(FindingStore.Query.all(10)))
        .extracting(Finding::id)
        .containsExactly("f5", "f4", "f3", "f2");
    assertThat(store.finding("f0")).isEmpty();
  }

  private static FindingStore.Query query(
      Optional<String> service, Optional<FindingKind> kind, Optional<String> before, int limit) {
    return new FindingStore.Query(
        Optional.empty(), service, Optional.empty(), kind, Optional.empty(), before, limit);
  }

  static Session session(String id, String serviceArn, Instant openedAt) {
    return TestSessions.active(
        id,
        "debug-logs",
        List.of(),
        serviceArn,
        Session.Origin.MANUAL,
        openedAt,
        Duration.ofHours(1));
  }

  private static Fleet fleet(String id, Instant openedAt) {
    return new Fleet(id, "debug-logs", "shop", "svc-*", 10, 20, openedAt, List.of());
  }

  private static Finding finding(String id, Instant time, String service) {
    return new Finding(
        id,
        time,
        FindingKind.Snapshot,
        Optional.of("shop"),
        Optional.of(service),
        Optional.empty(),
        Optional.empty(),
        "snapshot " + id,
        JsonNodeFactory.instance.objectNode().put("n", Integer.parseInt(id.substring(1))));
  }
}
