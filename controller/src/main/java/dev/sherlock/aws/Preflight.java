package dev.sherlock.aws;

import dev.sherlock.UserError;
import dev.sherlock.config.SherlockConfig;
import jakarta.inject.Singleton;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;

/**
 * What {@code sherlock run} checks before it says it runs: the policy directory, a region,
 * credentials, ECS answering them, the queue installed. Each failure is a {@link UserError} of one
 * line saying what to do; an outage AWS itself reports (throttling, a 5xx) is not the user's to
 * fix, so it is logged and left to the loops, which retry and report it on readiness.
 */
@Singleton
public final class Preflight {
  private static final Logger LOG = LoggerFactory.getLogger(Preflight.class);
  private static final Set<String> BAD_CREDENTIALS =
      Set.of(
          "UnrecognizedClientException",
          "InvalidClientTokenId",
          "InvalidSignatureException",
          "SignatureDoesNotMatch",
          "ExpiredTokenException",
          "AccessDeniedException",
          "AccessDenied");

  private final SherlockConfig config;
  private final AwsCredentialsProvider credentials;
  private final EcsClient ecs;
  private final SqsClient sqs;

  public Preflight(
      SherlockConfig config, AwsCredentialsProvider credentials, EcsClient ecs, SqsClient sqs) {
    this.config = config;
    this.credentials = credentials;
    this.ecs = ecs;
    this.sqs = sqs;
  }

  /** Runs the checks in order; the first that fails throws. */
  public void check() {
    if (config.git().isEmpty() && !Files.isDirectory(config.policies())) {
      throw new UserError(
          "policy directory %s does not exist: pass --policies DIR".formatted(config.policies()));
    }
    try {
      credentials.resolveCredentials();
    } catch (SdkClientException e) {
      throw new UserError(
          "no AWS credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE"
              + " (or --profile), or run with a task role");
    }
    try {
      ecs.listClusters(b -> b.maxResults(1));
    } catch (SdkException e) {
      failOrLog("ECS", endpoint("ecs"), e);
    }
    try {
      sqs.getQueueUrl(b -> b.queueName(config.queueName()));
    } catch (QueueDoesNotExistException e) {
      throw new UserError(
          "SQS queue %s does not exist: run `sherlock install` with the same options first"
              .formatted(config.queueName()));
    } catch (SdkException e) {
      failOrLog("SQS", endpoint("sqs"), e);
    }
  }

  /** Where a service is reached, for the messages. */
  private String endpoint(String service) {
    return config.aws().endpointOf(service).map(Object::toString).orElse("the regional endpoint");
  }

  private static void failOrLog(String service, String at, SdkException e) {
    if (e instanceof AwsServiceException aws) {
      String code = aws.awsErrorDetails() == null ? "" : aws.awsErrorDetails().errorCode();
      if (BAD_CREDENTIALS.contains(code) || aws.statusCode() == 403) {
        throw new UserError(
            "%s at %s refused the credentials (%s): check the profile or role and its permissions"
                .formatted(service, at, code));
      }
      LOG.warn("{} at {} answered {} at start-up; going on, it is retried", service, at, code);
      return;
    }
    if (causedBy(e, ConnectException.class) || causedBy(e, UnknownHostException.class)) {
      throw new UserError(
          "cannot reach %s at %s: %s (check --endpoint and the network)"
              .formatted(service, at, UserError.oneLine(e)));
    }
    throw new UserError("%s at %s: %s".formatted(service, at, UserError.oneLine(e)));
  }

  private static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (type.isInstance(t)) {
        return true;
      }
    }
    return false;
  }
}
