package dev.sherlock.source;

import dev.sherlock.UserError;
import dev.sherlock.aws.ApiBudgets;
import dev.sherlock.aws.AwsGuard;
import dev.sherlock.aws.CallCounter;
import dev.sherlock.config.SherlockConfig;
import dev.sherlock.finding.FindingKind;
import dev.sherlock.finding.Findings;
import dev.sherlock.health.Dependencies;
import dev.sherlock.metrics.SherlockMetrics;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;

/**
 * Long-polls the SQS queue that the EventBridge rule feeds, and hands each message over on its own:
 * one that fails does not hold back the rest of its batch. A message is deleted only once its event
 * has been handled; one whose handling fails stays in the queue and comes back after the visibility
 * timeout. After {@link #MAX_RECEIVES} failed deliveries it is recorded as an {@code Error} finding
 * and left to the queue's redrive policy, which moves it to the dead-letter queue that {@code
 * sherlock install} creates - never retried forever, never lost silently. A message that is not an
 * ECS event is recorded the same way and deleted at once.
 */
@Singleton
public final class SqsEventSource implements AutoCloseable {
  /** Deliveries before a message counts as poison; the redrive policy moves it after this many. */
  public static final int MAX_RECEIVES = 5;

  private static final Logger LOG = LoggerFactory.getLogger(SqsEventSource.class);
  private static final int MAX_BODY_IN_FINDING = 2000;

  private final SqsClient sqs;
  private final AwsGuard guard;
  private final SherlockConfig config;
  private final Findings findings;
  private final Dependencies dependencies;
  private final SherlockMetrics metrics;
  private final Recorder recorder;
  private final EcsEventParser parser = new EcsEventParser();
  private final AtomicLong received = new AtomicLong();
  private volatile boolean running;
  private final List<Thread> threads = new ArrayList<>();

  public SqsEventSource(
      SqsClient sqs,
      SherlockConfig config,
      Findings findings,
      ApiBudgets budgets,
      CallCounter counter,
      Dependencies dependencies,
      SherlockMetrics metrics,
      Recorder recorder) {
    this.sqs = sqs;
    this.recorder = recorder;
    this.config = config;
    this.findings = findings;
    this.dependencies = dependencies;
    this.metrics = metrics;
    this.guard = new AwsGuard("sqs", config.aws(), budgets, counter);
  }

  /**
   * Starts {@code sherlock.sqs-receivers} receivers (16): each long-polls for ten messages, hands
   * each to {@code handler} and deletes the handled ones in one call. The handler must be safe to
   * call from several threads at once.
   */
  public synchronized void start(Consumer<EcsEvent> handler) {
    running = true;
    for (int i = 0; i < Math.max(1, config.sqsReceivers()); i++) {
      threads.add(Thread.ofVirtual().name("sherlock-sqs-" + i).start(() -> run(handler)));
    }
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
                                    .messageSystemAttributeNames(
                                        MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT)
                                    .waitTimeSeconds((int) config.sqsWait().toSeconds())))
                .messages();
        dependencies.up("SQS");
        List<Message> handled = new ArrayList<>(messages.size());
        for (Message message : messages) {
          if (handle(message, handler)) {
            handled.add(message);
          }
        }
        delete(url, handled);
        pause = Duration.ofSeconds(1);
      } catch (QueueDoesNotExistException e) {
        queueUrl = null;
        dependencies.down(
            "SQS",
            "queue %s does not exist; run `sherlock install` to create the rule and queue"
                .formatted(config.queueName()));
        pause = sleep(pause);
      } catch (RuntimeException e) {
        if (!running) {
          return;
        }
        dependencies.down(
            "SQS",
            "receiving from %s failed: %s".formatted(config.queueName(), UserError.oneLine(e)));
        LOG.debug("receive failure", e);
        pause = sleep(pause);
      }
    }
  }

  /**
   * One message: parsed and handed over - to be deleted - or left for redelivery when handing over
   * fails.
   *
   * @return whether the message is done with
   */
  private boolean handle(Message message, Consumer<EcsEvent> handler) {
    received.incrementAndGet();
    recorder.event(message.body());
    try {
      switch (parser.parse(message.body())) {
        case EcsEventParser.Result.Parsed parsed -> handler.accept(parsed.event());
        case EcsEventParser.Result.Ignored ignored ->
            LOG.debug("ignored message {}: {}", message.messageId(), ignored.why());
        case EcsEventParser.Result.Malformed malformed ->
            recordPoison(
                message,
                "dropped message %s from %s: %s"
                    .formatted(message.messageId(), config.queueName(), malformed.why()));
      }
    } catch (RuntimeException e) {
      metrics.failedDeliveries().increment();
      int receives = receiveCount(message);
      String cause = UserError.oneLine(e);
      if (receives >= MAX_RECEIVES) {
        recordPoison(
            message,
            "message %s from %s failed %d times (%s); the queue's redrive policy moves it to the dead-letter queue"
                .formatted(message.messageId(), config.queueName(), receives, cause));
      } else {
        LOG.warn(
            "handling message {} failed (delivery {} of {}); it is retried: {}",
            message.messageId(),
            receives,
            MAX_RECEIVES,
            cause);
        LOG.debug("handling failure", e);
      }
      return false; // not deleted: SQS delivers it again after the visibility timeout
    }
    return true;
  }

  /**
   * Deletes handled messages, ten per call. One that fails to delete comes back and is recognised
   * as a duplicate (the trigger engine's seen events): nothing is done twice.
   */
  private void delete(String queueUrl, List<Message> messages) {
    if (messages.isEmpty()) {
      return;
    }
    List<DeleteMessageBatchRequestEntry> entries = new ArrayList<>(messages.size());
    for (int i = 0; i < messages.size(); i++) {
      entries.add(
          DeleteMessageBatchRequestEntry.builder()
              .id(Integer.toString(i))
              .receiptHandle(messages.get(i).receiptHandle())
              .build());
    }
    var response =
        guard.call(
            "sqs",
            "DeleteMessageBatch",
            () -> sqs.deleteMessageBatch(b -> b.queueUrl(queueUrl).entries(entries)));
    response
        .failed()
        .forEach(f -> LOG.debug("deleting a message failed; it comes back: {}", f.message()));
  }

  private void recordPoison(Message message, String summary) {
    String body = message.body();
    findings.record(
        FindingKind.Error,
        Findings.Subject.NONE,
        summary,
        Findings.evidence()
            .put("messageId", message.messageId())
            .put(
                "body",
                body.length() > MAX_BODY_IN_FINDING
                    ? body.substring(0, MAX_BODY_IN_FINDING)
                    : body));
  }

  private static int receiveCount(Message message) {
    try {
      return Integer.parseInt(
          message
              .attributes()
              .getOrDefault(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT, "1"));
    } catch (NumberFormatException e) {
      return 1;
    }
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
    threads.forEach(Thread::interrupt);
  }
}
