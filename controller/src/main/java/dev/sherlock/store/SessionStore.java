package dev.sherlock.store;

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

  /** The newest sessions first, at most {@code limit}. */
  List<Session> recent(int limit);
}
