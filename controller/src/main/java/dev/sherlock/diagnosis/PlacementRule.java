package dev.sherlock.diagnosis;

import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/** ECS cannot place the service's tasks: no capacity, no ENI or address, or a constraint. */
final class PlacementRule implements DiagnosisRule {
  private static final List<Kind> KINDS =
      List.of(
          new Kind(
              Pattern.compile("(?i)insufficient (memory|cpu)|RESOURCE:(MEMORY|CPU)"),
              "no capacity for the tasks' CPU or memory",
              "add capacity (the capacity provider's scaling, or instances), or ask for less"),
          new Kind(
              Pattern.compile("(?i)RESOURCE:ENI|\\bENI\\b|network interfaces"),
              "no elastic network interface left for awsvpc tasks",
              "use ENI trunking (awsvpcTrunking), larger instances, or fewer tasks per instance"),
          new Kind(
              Pattern.compile("(?i)ip address|free addresses|subnet"),
              "the subnets are out of IP addresses",
              "add subnets (or larger ones) to the service's network configuration"),
          new Kind(
              Pattern.compile("(?i)constraint|attribute|distinctInstance|memberOf"),
              "no instance meets the placement constraints",
              "check the service's placement constraints against the instances' attributes"),
          new Kind(
              Pattern.compile("(?i)RESOURCE:FARGATE|capacity is unavailable"),
              "Fargate has no capacity for the tasks now",
              "retry later, or spread the service over more availability zones"));

  @Override
  public Optional<Cause> examine(Evidence evidence) {
    Optional<String> failure =
        evidence.serviceEvents().stream()
            .filter(m -> m.contains("unable to place a task") || m.contains("PLACEMENT_FAILURE"))
            .findFirst();
    if (failure.isEmpty()) {
      return Optional.empty();
    }
    List<Cause.Support> support = List.of(new Cause.Support("serviceEvents", failure.get()));
    Optional<Kind> kind = Kind.first(KINDS, failure.get());
    if (kind.isPresent()) {
      return Optional.of(
          new Cause("placement", kind.get().title(), 0.8, support, kind.get().nextStep()));
    }
    return Optional.of(
        new Cause(
            "placement",
            "ECS cannot place the service's tasks",
            0.6,
            support,
            "read the service events for the reason; check capacity and placement constraints"));
  }
}
