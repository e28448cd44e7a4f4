package dev.sherlock.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sherlock.session.Session;
import dev.sherlock.session.TestSessions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ServiceMemoryTest {
  private static final Instant OPENED = Instant.parse("2026-12-01T10:00:00Z");
  private static final Instant ENDED = Instant.parse("2026-12-01T10:30:00Z");

  @Test
  void theEndedTagRemembersOnlySessionsThatCouldOpenAgainByThemselves() {
    var tags =
        ServiceMemory.tags(
            List.of(
                ended("s-trigger", Session.Origin.TRIGGER),
                ended("git-inc-1", Session.Origin.GIT),
                ended("s-manual", Session.Origin.MANUAL),
                ended("s-recovered", Session.Origin.RECOVERED)),
            Optional.empty(),
            Optional.empty());

    // A trigger's session sets its cooldown, a DebugSession document in git would open again:
    // both are remembered. One a person opened by hand opens again only if a person asks.
    assertThat(tags.get(ServiceMemory.TAG_ENDED).orElseThrow())
        .contains("s-trigger@", "git-inc-1@", "s-recovered@")
        .doesNotContain("s-manual");
  }

  @Test
  void sessionsOpenedByHandAloneLeaveNoTagToWrite() {
    var tags =
        ServiceMemory.tags(
            List.of(ended("s-manual", Session.Origin.MANUAL)), Optional.empty(), Optional.empty());

    assertThat(tags.get(ServiceMemory.TAG_ENDED)).isEmpty();
    assertThat(tags.get(ServiceMemory.TAG_BEFORE)).isEmpty();
  }

  private static Session ended(String id, Session.Origin origin) {
    return TestSessions.active(
            id,
            "debug-logs",
            List.of(),
            "arn:aws:ecs:us-east-1:123456789012:service/fleet/svc-00001",
            origin,
            OPENED,
            Duration.ofHours(1))
        .withState(Session.State.ENDED, ENDED, "ended by hand");
  }
}
