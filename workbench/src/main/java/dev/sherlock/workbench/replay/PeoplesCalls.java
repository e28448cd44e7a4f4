package dev.sherlock.workbench.replay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sherlock.aws.AwsClientFactory;
import dev.sherlock.overlay.TaskDefinitionOverlay;
import dev.sherlock.workbench.policytest.PolicyTest.Happening;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The ECS calls in an incident's CloudTrail, sorted for a replay. What people changed - a task
 * definition registered, a service updated - is acted out in the world at its time, so that the
 * replayed Sherlock meets their deploys as the real one did (and keeps its hands off them).
 * Sherlock's own calls are passed over, for the replay's Sherlock makes its own: those whose user
 * agent says {@code app/sherlock}, a revision tagged {@code sherlock:managed}, and the deploy of
 * one. So are reads, failed calls, other services' calls and the ECS calls a replay does not act
 * out - each counted, never silently.
 *
 * <p>Events must come in time order: a Sherlock revision is known by its registration before its
 * deploy.
 */
final class PeoplesCalls {
  private static final Set<String> ACTED_OUT = Set.of("RegisterTaskDefinition", "UpdateService");

  private final Set<String> sherlocksRevisions = new HashSet<>();
  private final Map<String, Integer> passedOver = new TreeMap<>();
  private final List<Act> acts = new ArrayList<>();

  /** A person's call acted out, for the timeline. */
  record Act(Instant at, String summary) {}

  /** What happens in the world for the event: itself, a person's call, or nothing. */
  Optional<Happening> happening(Recording.Event event) {
    if (!Recording.API_CALL.equals(event.body().path("detail-type").asText())) {
      return Optional.of(new Happening.Event(event.body()));
    }
    JsonNode call = event.body().path("detail");
    String name = call.path("eventName").asText();
    if (!call.path("eventSource").asText().equals("ecs.amazonaws.com")) {
      return pass("calls to other services");
    }
    if (call.hasNonNull("errorCode")) {
      return pass("failed calls");
    }
    if (call.path("readOnly").asBoolean(false)
        || name.startsWith("Describe")
        || name.startsWith("List")) {
      return pass("reads");
    }
    if (!ACTED_OUT.contains(name)) {
      return pass(name + " (not acted out)");
    }
    if (!(call.path("requestParameters") instanceof ObjectNode request)) {
      return pass(name + " without its requestParameters");
    }
    boolean sherlocks =
        call.path("userAgent").asText("").contains("app/" + AwsClientFactory.APP_ID)
            || managed(request)
            || sherlocksRevisions.contains(revisionNamed(request.path("taskDefinition").asText()));
    Optional<Integer> revision =
        Optional.of(call.at("/responseElements/taskDefinition/revision"))
            .filter(JsonNode::isInt)
            .map(JsonNode::asInt);
    if (sherlocks) {
      revision.ifPresent(r -> sherlocksRevisions.add(request.path("family").asText() + ":" + r));
      return pass("Sherlock's own");
    }
    String summary =
        name.equals("UpdateService")
            ? "UpdateService %s%s by %s"
                .formatted(
                    request.path("service").asText("?"),
                    request.has("taskDefinition")
                        ? " -> " + revisionNamed(request.path("taskDefinition").asText())
                        : "",
                    who(call))
            : "RegisterTaskDefinition %s%s by %s"
                .formatted(
                    request.path("family").asText("?"),
                    revision.map(r -> ":" + r).orElse(""),
                    who(call));
    acts.add(new Act(event.at(), summary));
    return Optional.of(new Happening.ApiCall(name, request, revision, summary));
  }

  /** The people's calls acted out, in order. */
  List<Act> acts() {
    return List.copyOf(acts);
  }

  /** The calls passed over, counted by why, in the order of the whys. */
  Map<String, Integer> passedOver() {
    return java.util.Collections.unmodifiableMap(new TreeMap<>(passedOver));
  }

  private Optional<Happening> pass(String why) {
    passedOver.merge(why, 1, Integer::sum);
    return Optional.empty();
  }

  private static boolean managed(JsonNode request) {
    for (JsonNode tag : request.path("tags")) {
      if (tag.path("key").asText().equals(TaskDefinitionOverlay.TAG_MANAGED)) {
        return true;
      }
    }
    return false;
  }

  /** {@code family:revision} of an ARN or of itself. */
  private static String revisionNamed(String taskDefinition) {
    return taskDefinition.substring(taskDefinition.lastIndexOf('/') + 1);
  }

  /** Who made the call: the part of their ARN after the account ({@code assumed-role/Ops/pat}). */
  private static String who(JsonNode call) {
    JsonNode identity = call.path("userIdentity");
    String arn = identity.path("arn").asText("");
    String[] parts = arn.split(":", 6);
    if (parts.length == 6) {
      return parts[5];
    }
    return identity.path("userName").asText(identity.path("principalId").asText("someone"));
  }
}
