package dev.sherlock.sandbox;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sherlock.sandbox.ecs.Ecs;
import dev.sherlock.sandbox.http.Json;

/**
 * A fleet for benchmarks: cluster {@code fleet} with {@code n} Fargate services {@code svc-00001}
 * ..., each its own task definition family with one container {@code app}, a given number of tasks
 * each (one by default), LOGLEVEL=INFO.
 */
public final class FleetWorld {
  public static final String CLUSTER = "fleet";

  /** Every service's one container: one policy's actions fit them all. */
  public static final String CONTAINER = "app";

  private FleetWorld() {}

  /** The name of the i-th service (from 1), as benchmarks address it. */
  public static String service(int i) {
    return "svc-%05d".formatted(i);
  }

  public static void seed(Sandbox sandbox, int services) {
    seed(sandbox, services, 1);
  }

  public static void seed(Sandbox sandbox, int services, int tasksPerService) {
    String registry = "%s.dkr.ecr.%s.amazonaws.com/".formatted(sandbox.account(), sandbox.region());
    sandbox.workload().knowImages(registry);
    sandbox.call(Ecs.TARGET_PREFIX, "CreateCluster", Json.object().put("clusterName", CLUSTER));
    for (int i = 1; i <= services; i++) {
      String name = service(i);
      ObjectNode definition =
          Json.object()
              .put("family", name)
              .put("networkMode", "awsvpc")
              .put("cpu", "256")
              .put("memory", "512");
      definition.putArray("requiresCompatibilities").add("FARGATE");
      ObjectNode container =
          definition
              .putArray("containerDefinitions")
              .addObject()
              .put("name", CONTAINER)
              .put("image", registry + "fleet-app:1.0")
              .put("essential", true)
              .put("memory", 512);
      container.putArray("environment").addObject().put("name", "LOGLEVEL").put("value", "INFO");
      sandbox.call(Ecs.TARGET_PREFIX, "RegisterTaskDefinition", definition);

      ObjectNode service =
          Json.object()
              .put("cluster", CLUSTER)
              .put("serviceName", name)
              .put("taskDefinition", name)
              .put("desiredCount", tasksPerService)
              .put("launchType", "FARGATE");
      ObjectNode vpc = service.putObject("networkConfiguration").putObject("awsvpcConfiguration");
      ArrayNode subnets = vpc.putArray("subnets");
      subnets.add("subnet-0a1b2c3d");
      vpc.putArray("securityGroups").add("sg-0a1b2c3d");
      sandbox.call(Ecs.TARGET_PREFIX, "CreateService", service);
    }
  }
}
