package dev.sherlock.store;

import dev.sherlock.session.CapacityChange;
import dev.sherlock.session.Fleet;
import dev.sherlock.session.ManagedRevision;
import dev.sherlock.session.PendingRegistration;
import dev.sherlock.session.Session;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Where sessions live between reconciles and across restarts. */
public interface SessionStore {
  /** Stores a session as it is, new or not: for opening one and for recovery. */
  void save(Session session);

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

  /** Stores a fleet of sessions opened in one request, new or not. */
  void saveFleet(Fleet fleet);

  Optional<Fleet> fleet(String id);

  /** Fleets opened since {@code since}, oldest first. */
  List<Fleet> fleetsSince(Instant since);

  /** The newest sessions first, at most {@code limit}. */
  List<Session> recent(int limit);
}
