package dev.sherlock.workbench;

import dev.sherlock.sandbox.MysfitsWorld;
import dev.sherlock.sandbox.Sandbox;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The world a rehearsal ({@code sherlock test}, {@code sherlock replay}) starts in: the sandbox's
 * Mysfits shop, or a fleet as its state file describes it - the file {@code sherlock plan --state}
 * reads.
 */
public sealed interface World permits World.Mysfits, StateWorld {
  /** The region of the world's ARNs. */
  String region();

  /** The account of the world's ARNs. */
  String account();

  /** Creates the world through the sandbox's own APIs, as the sandbox's seeds do. */
  void seed(Sandbox sandbox);

  /** Every service of the world. */
  List<Service> services();

  /** How what a command prints names the world: {@code the mysfits world}. */
  String description();

  /** A service of the world. */
  record Service(String cluster, String name) {
    @Override
    public String toString() {
      return cluster + "/" + name;
    }
  }

  /**
   * The service a scenario names: by its name when one cluster has it, or as {@code cluster/name}.
   *
   * @throws IllegalArgumentException naming what the world has, when it has no such service or
   *     several
   */
  default Service service(String reference) {
    List<Service> matches =
        services().stream()
            .filter(s -> reference.equals(s.name()) || reference.equals(s.toString()))
            .toList();
    if (matches.size() == 1) {
      return matches.getFirst();
    }
    if (matches.isEmpty()) {
      throw new IllegalArgumentException(
          "no service %s in the world (%s)"
              .formatted(
                  reference,
                  services().stream().map(Service::name).collect(Collectors.joining(", "))));
    }
    throw new IllegalArgumentException(
        "service %s is in several clusters; name one of %s"
            .formatted(
                reference,
                matches.stream().map(Service::toString).collect(Collectors.joining(", "))));
  }

  /**
   * Cluster {@code mysfits} with {@code like-service} (CHAOSMODE=on, LOGLEVEL=ERROR, behind an ALB)
   * and {@code monolith}: {@link MysfitsWorld}.
   */
  record Mysfits() implements World {
    @Override
    public String region() {
      return Sandbox.DEFAULT_REGION;
    }

    @Override
    public String account() {
      return Sandbox.DEFAULT_ACCOUNT;
    }

    @Override
    public void seed(Sandbox sandbox) {
      MysfitsWorld.seed(sandbox);
    }

    @Override
    public List<Service> services() {
      return List.of(
          new Service(MysfitsWorld.CLUSTER, MysfitsWorld.LIKE_SERVICE),
          new Service(MysfitsWorld.CLUSTER, MysfitsWorld.MONOLITH));
    }

    @Override
    public String description() {
      return "the mysfits world";
    }
  }
}
