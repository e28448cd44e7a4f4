package dev.sherlock.session;

import dev.sherlock.policy.Action;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Sessions as the controller opens them, for tests that need one without opening it. */
public final class TestSessions {
  private TestSessions() {}

  /**
   * An active session that nothing has been done for yet; the cluster and service come from the
   * service's ARN ({@code arn:aws:ecs:...:service/CLUSTER/SERVICE}).
   */
  public static Session active(
      String id,
      String policy,
      List<Action> actions,
      String serviceArn,
      Session.Origin origin,
      Instant openedAt,
      Duration lasting) {
    String[] path = serviceArn.substring(serviceArn.indexOf(":service/") + 9).split("/");
    return new Session(
        id,
        policy,
        actions,
        path[0],
        serviceArn,
        path[1],
        origin,
        "test",
        Session.State.ACTIVE,
        openedAt,
        openedAt.plus(lasting),
        Optional.empty(),
        Optional.empty(),
        false,
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        false,
        false,
        Optional.empty());
  }
}
