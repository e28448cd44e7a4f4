package dev.sherlock.store;

import dev.sherlock.session.CapacityChange;
import dev.sherlock.session.Session;
import java.util.List;
import java.util.Optional;

/** Where sessions live between reconciles and across restarts. */
public interface SessionStore {
  void save(Session session);

  Optional<Session> session(String id);

  /** Sessions still ACTIVE, oldest first. */
  List<Session> active();

  /** Every session of one service, oldest first. */
  List<Session> ofService(String serviceArn);

  /** The capacity change Sherlock made to a service and has not undone yet. */
  Optional<CapacityChange> capacity(String serviceArn);

  void saveCapacity(String serviceArn, CapacityChange change);

  void clearCapacity(String serviceArn);

  /** The newest sessions first, at most {@code limit}. */
  List<Session> recent(int limit);
}
