package dev.sherlock.store;

import dev.sherlock.session.CapacityChange;
import dev.sherlock.session.Fleet;
import dev.sherlock.session.HandledEvent;
import dev.sherlock.session.InsightsChange;
import dev.sherlock.session.ManagedRevision;
import dev.sherlock.session.PendingRegistration;
import dev.sherlock.session.Session;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Where sessions live between reconciles and across restarts. */
public interface SessionStore {
  /** Stores a session as it is, new or not: for opening one and for recovery. */
  void save(Session session);

  /**
   * Stores a new session unless a session of the same policy is active on the same service: a
   * compare-and-set on that pair, so two replicas asked at the same moment open one session.
   *
   * @return the active session that stood in the way, or empty when this one was stored
   */
  Optional<Session> saveIfFree(Session session);

  /**
   * Stores a change to a session only while the stored session is still ACTIVE: a compare-and-set
   * on its state, so ENDED and FAILED are terminal - a reconcile holding an older copy cannot bring
   * an ended session back.
   *
   * @return whether it was stored
   */
  boolean saveIfActive(Session session);

  Optional<Session> session(String id);

  /** Sessions still ACTIVE, oldest first. */
  List<Session> active();

  /** Every session of one service, oldest first. */
  List<Session> ofService(String serviceArn);

  /** The capacity change Sherlock made to a service and has not undone yet. */
  Optional<CapacityChange> capacity(String serviceArn);

  void saveCapacity(String serviceArn, CapacityChange change);

  void clearCapacity(String serviceArn);

  /** What Sherlock did to a cluster's Container Insights setting, if anything. */
  Optional<InsightsChange> insights(String cluster);

  void saveInsights(InsightsChange change);

  void clearInsights(String cluster);

  /**
   * The service's ECS Exec setting before Sherlock first changed it, kept per service (not per
   * session: sessions overlap, and one that ends early must not take the original value with it)
   * until Sherlock has put it back.
   */
  Optional<Boolean> execBefore(String serviceArn);

  /** Records the setting before Sherlock's first change; a recorded one is kept. */
  void saveExecBefore(String serviceArn, boolean enabled);

  void clearExecBefore(String serviceArn);

  /**
   * Whether Sherlock is draining for an uninstall ({@code sherlock drain}): kept in the store so a
   * restarted task does not open sessions again in the middle of an uninstall.
   */
  boolean draining();

  void saveDraining();

  /** Records a revision Sherlock registered. */
  void saveRevision(ManagedRevision revision);

  /** Records a registration about to be made (one per service: a newer one replaces it). */
  void saveRegistering(PendingRegistration pending);

  /** The registration begun for a service and not yet recorded by {@link #saveRevision}. */
  Optional<PendingRegistration> registering(String serviceArn);

  void clearRegistering(String serviceArn);

  /** The revision Sherlock registered under this ARN, if it did. */
  Optional<ManagedRevision> revision(String arn);

  /** Every revision Sherlock registered for a service and has not deregistered. */
  List<ManagedRevision> revisionsOf(String serviceArn);

  /** Forgets a revision once it is deregistered. */
  void forgetRevision(String arn);

  /**
   * Whether this revision was described once and found not to be Sherlock's. Revisions never
   * change, so a restart need not describe it again to know: on a fleet of thousands of services,
   * those calls would be most of a start-up's.
   */
  boolean isPlainRevision(String arn);

  void savePlainRevision(String arn);

  /**
   * Records an event whose handling later events depend on. Kept for {@link #EVENT_MEMORY}: the
   * longest crash-loop window a policy may have, and far longer than SQS takes to deliver a message
   * again.
   */
  void saveHandledEvent(HandledEvent event);

  /** Events handled since {@code since}, oldest first. */
  List<HandledEvent> handledSince(Instant since);

  /** How long handled events are remembered. */
  Duration EVENT_MEMORY = Duration.ofDays(1);

  /**
   * Takes one change from an hourly budget - the global one ({@link #GLOBAL_BUDGET}) or a fleet's,
   * by its id - if fewer than {@code limit} were taken since {@code since}: a compare-and-set, so
   * the budget is the same whichever replica acts, before a failover and after it. Changes before
   * {@code since} may be forgotten.
   *
   * @return whether it was taken
   */
  boolean takeChange(String budget, Instant at, Instant since, int limit);

  /** The changes taken from a budget since {@code since}, oldest first. */
  List<Instant> changes(String budget, Instant since);

  String GLOBAL_BUDGET = "global";

  /** Stores a fleet of sessions opened in one request, new or not. */
  void saveFleet(Fleet fleet);

  Optional<Fleet> fleet(String id);

  /** Fleets opened since {@code since}, oldest first. */
  List<Fleet> fleetsSince(Instant since);

  /** The newest sessions first, at most {@code limit}. */
  List<Session> recent(int limit);
}
