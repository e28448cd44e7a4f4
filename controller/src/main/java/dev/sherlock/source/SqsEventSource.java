package dev.sherlock.source;

import dev.sherlock.aws.AwsGuard;
import dev.sherlock.aws.CallCounter;
import dev.sherlock.config.SherlockConfig;
import dev.sherlock.finding.FindingKind;
import dev.sherlock.finding.Findings;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;

/**
 * Long-polls the SQS queue that the EventBridge rule feeds. A message is deleted only after its
 * event has been handed over; if handing over fails, the message becomes visible again and is
 * retried. A message that is not an ECS event is recorded as an {@code Error} finding and deleted -
 * never retried forever.
 */
@Singleton
public final class SqsEventSource implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SqsEventSource.class);

  private final SqsClient sqs;
  private final AwsGuard guard;
  private final SherlockConfig config;
  private final Findings findings;
  private final EcsEventParser parser = new EcsEventParser();
  private final AtomicLong received = new AtomicLong();
  private volatile boolean running;
  private Thread thread;

  public SqsEventSource(
      SqsClient sqs, SherlockConfig config, Findings findings, CallCounter counter) {
    this.sqs = sqs;
    this.config = config;
    this.findings = findings;
    this.guard = new AwsGuard("sqs", config.aws(), counter);
  }

  public synchronized void start(Consumer<EcsEvent> handler) {
    running = true;
    thread = Thread.ofVirtual().name("sherlock-sqs").start(() -> run(handler));
  }

  public long received() {
    return received.get();
  }

  private void run(Consumer<EcsEvent> handler) {
    String queueUrl = null;
    Duration pause = Duration.ofSeconds(1);
    while (running) {
      try {
        if (queueUrl == null) {
          queueUrl =
              guard
                  .call(
                      "sqs",
                      "GetQueueUrl",
                      () -> sqs.getQueueUrl(b -> b.queueName(config.queueName())))
                  .queueUrl();
        }
        String url = queueUrl;
        var messages =
            guard
                .call(
                    "sqs",
                    "ReceiveMessage",
                    () ->
                        sqs.receiveMessage(
                            b ->
                                b.queueUrl(url)
                                    .maxNumberOfMessages(10)
                                    .waitTimeSeconds((int) config.sqsWait().toSeconds())))
                .messages();
        for (Message message : messages) {
          handle(url, message, handler);
        }
        pause = Duration.ofSeconds(1);
      } catch (QueueDoesNotExistException e) {
        findings.record(
            FindingKind.Error,
            Findings.Subject.NONE,
            "queue %s does not exist; run `sherlock install` to create the rule and queue"
                .formatted(config.queueName()));
        pause = sleep(Duration.ofSeconds(30));
      } catch (RuntimeException e) {
        if (!running) {
          return;
        }
        LOG.warn("receiving from {} failed; trying again in {}", config.queueName(), pause, e);
        pause = sleep(pause);
      }
    }
  }

  private void handle(String queueUrl, Message message, Consumer<EcsEvent> handler) {
    received.incrementAndGet();
    switch (parser.parse(message.body())) {
      case EcsEventParser.Result.Parsed parsed -> handler.accept(parsed.event());
      case EcsEventParser.Result.Ignored ignored ->
          LOG.debug("ignored message {}: {}", message.messageId(), ignored.why());
      case EcsEventParser.Result.Malformed malformed ->
          findings.record(
              FindingKind.Error,
              Findings.Subject.NONE,
              "dropped message %s from %s: %s"
                  .formatted(message.messageId(), config.queueName(), malformed.why()),
              Findings.evidence()
                  .put("messageId", message.messageId())
                  .put(
                      "body",
                      message.body().length() > 2000
                          ? message.body().substring(0, 2000)
                          : message.body()));
    }
    guard.call(
        "sqs",
        "DeleteMessage",
        () -> sqs.deleteMessage(b -> b.queueUrl(queueUrl).receiptHandle(message.receiptHandle())));
  }

  /** Waits before trying SQS again, doubling up to a minute. */
  private Duration sleep(Duration pause) {
    try {
      Thread.sleep(pause); // back-off between failed polls of an unavailable queue
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      running = false;
    }
    Duration doubled = pause.multipliedBy(2);
    return doubled.compareTo(Duration.ofMinutes(1)) > 0 ? Duration.ofMinutes(1) : doubled;
  }

  @Override
  public synchronized void close() {
    running = false;
    if (thread != null) {
      thread.interrupt();
    }
  }
}
