package dev.sherlock.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sherlock.sandbox.ecs.Ecs;
import dev.sherlock.sandbox.http.Json;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The demo world, a Mythical-Mysfits-like shop: cluster {@code mysfits} with {@code like-service}
 * (CHAOSMODE=on, LOGLEVEL=ERROR, behind an ALB, logging to CloudWatch Logs, deployment circuit
 * breaker with rollback) and {@code monolith}, two Fargate tasks each.
 */
public final class MysfitsWorld {
  public static final String CLUSTER = "mysfits";
  public static final String LIKE_SERVICE = "like-service";
  public static final String MONOLITH = "monolith";

  /** The ALB dimensions the example policies name. */
  public static final String LOAD_BALANCER = "app/mysfits-alb/50dc6c495c0c9188";

  private MysfitsWorld() {}

  /**
   * Creates the world through the sandbox's own APIs and returns the like-service's target group.
   */
  public static void seed(Sandbox sandbox) {
    String registry = "%s.dkr.ecr.%s.amazonaws.com/".formatted(sandbox.account(), sandbox.region());
    sandbox.workload().knowImages(registry);
    String targetGroup =
        "arn:aws:elasticloadbalancing:%s:%s:targetgroup/like-service/73e2d6bc24d8a067"
            .formatted(sandbox.region(), sandbox.account());
    sandbox.workload().loadBalancer(targetGroup, LOAD_BALANCER);

    sandbox.call(
        Ecs.TARGET_PREFIX,
        "CreateCluster",
        json(
            """
        {"clusterName": "mysfits", "tags": [{"key": "team", "value": "mysfits"}]}"""));
    sandbox.call(
        Ecs.TARGET_PREFIX,
        "RegisterTaskDefinition",
        json(
            """
        {"family": "like-service", "networkMode": "awsvpc", "requiresCompatibilities": ["FARGATE"],
         "cpu": "512", "memory": "1024",
         "taskRoleArn": "arn:aws:iam::%1$s:role/like-service-task",
         "executionRoleArn": "arn:aws:iam::%1$s:role/ecsTaskExecutionRole",
         "containerDefinitions": [{
           "name": "like-service", "image": "%2$slike-service:2026.11.3", "essential": true,
           "cpu": 256, "memory": 512,
           "portMappings": [{"containerPort": 80, "protocol": "tcp"}],
           "environment": [{"name": "LOGLEVEL", "value": "ERROR"}, {"name": "CHAOSMODE", "value": "on"},
                           {"name": "DDB_TABLE_NAME", "value": "mysfits"}],
           "secrets": [{"name": "API_TOKEN", "valueFrom": "arn:aws:secretsmanager:%3$s:%1$s:secret:like-api-token"}],
           "logConfiguration": {"logDriver": "awslogs", "options": {
             "awslogs-group": "/ecs/mysfits/like-service", "awslogs-region": "%3$s", "awslogs-stream-prefix": "like"}}
         }],
         "tags": [{"key": "team", "value": "mysfits"}]}"""
                .formatted(sandbox.account(), registry, sandbox.region())));
    sandbox.call(
        Ecs.TARGET_PREFIX,
        "RegisterTaskDefinition",
        json(
            """
        {"family": "monolith", "networkMode": "awsvpc", "requiresCompatibilities": ["FARGATE"],
         "cpu": "1024", "memory": "2048",
         "executionRoleArn": "arn:aws:iam::%1$s:role/ecsTaskExecutionRole",
         "containerDefinitions": [{
           "name": "monolith", "image": "%2$smonolith:2026.11.1", "essential": true, "memoryReservation": 1024,
           "portMappings": [{"containerPort": 8080, "protocol": "tcp"}],
           "environment": [{"name": "LOGLEVEL", "value": "INFO"}],
           "logConfiguration": {"logDriver": "awslogs", "options": {
             "awslogs-group": "/ecs/mysfits/monolith", "awslogs-region": "%3$s", "awslogs-stream-prefix": "monolith"}}
         }]}"""
                .formatted(sandbox.account(), registry, sandbox.region())));
    String network =
        """
        "networkConfiguration": {"awsvpcConfiguration": {"subnets": ["subnet-0a1b2c3d"], "securityGroups": ["sg-0a1b2c3d"], "assignPublicIp": "DISABLED"}}""";
    sandbox.call(
        Ecs.TARGET_PREFIX,
        "CreateService",
        json(
            """
        {"cluster": "mysfits", "serviceName": "like-service", "taskDefinition": "like-service",
         "desiredCount": 2, "launchType": "FARGATE", %s,
         "loadBalancers": [{"targetGroupArn": "%s", "containerName": "like-service", "containerPort": 80}],
         "deploymentConfiguration": {"maximumPercent": 200, "minimumHealthyPercent": 100,
           "deploymentCircuitBreaker": {"enable": true, "rollback": true}},
         "tags": [{"key": "team", "value": "mysfits"}]}"""
                .formatted(network, targetGroup)));
    sandbox.call(
        Ecs.TARGET_PREFIX,
        "CreateService",
        json(
            """
        {"cluster": "mysfits", "serviceName": "monolith", "taskDefinition": "monolith",
         "desiredCount": 2, "launchType": "FARGATE", %s,
         "deploymentConfiguration": {"maximumPercent": 200, "minimumHealthyPercent": 100,
           "deploymentCircuitBreaker": {"enable": true, "rollback": true}},
         "tags": [{"key": "team", "value": "mysfits"}]}"""
                .formatted(network)));
  }

  private static ObjectNode json(String text) {
    try {
      JsonNode node = Json.MAPPER.readTree(text);
      return (ObjectNode) node;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
