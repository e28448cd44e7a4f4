package dev.sherlock.sandbox.events;

import dev.sherlock.sandbox.http.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers events to SQS targets the way EventBridge does: asynchronously, in order by default,
 * retried when SQS fails, and - when asked to - at least once for real: some messages twice, some
 * out of order. Messages go to the embedded SQS server with its JSON protocol.
 */
public final class SqsDelivery implements EventBridge.Delivery, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SqsDelivery.class);
  private static final Duration RETRY = Duration.ofMillis(200);

  private record Message(String queueArn, String body, int attempt) {}

  private final URI sqsEndpoint;
  private final String account;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final LinkedBlockingDeque<Message> outbox = new LinkedBlockingDeque<>();
  private final Thread worker;
  private final Random random;
  private final AtomicLong delivered = new AtomicLong();
  private final AtomicLong dropped = new AtomicLong();
  private volatile double duplicateRate;
  private volatile double reorderRate;

  public SqsDelivery(URI sqsEndpoint, String account, long seed) {
    this.sqsEndpoint = sqsEndpoint;
    this.account = account;
    this.random = new Random(seed);
    this.worker = Thread.ofVirtual().name("sandbox-eventbridge-delivery").start(this::run);
  }

  /**
   * Makes delivery misbehave the way at-least-once allows: {@code duplicateRate} of messages are
   * sent twice, {@code reorderRate} of them swap places with the next one.
   */
  public void chaos(double duplicateRate, double reorderRate) {
    this.duplicateRate = duplicateRate;
    this.reorderRate = reorderRate;
  }

  @Override
  public void deliver(String targetArn, String message) {
    if (!targetArn.startsWith("arn:aws:sqs:")) {
      return; // other target types exist in AWS; the sandbox only has queues
    }
    outbox.add(new Message(targetArn, message, 0));
  }

  /** Messages handed to SQS so far (duplicates included). */
  public long delivered() {
    return delivered.get();
  }

  /** Whether everything handed over so far has reached SQS (or been given up on). */
  public boolean idle() {
    return outbox.isEmpty();
  }

  private void run() {
    while (!Thread.currentThread().isInterrupted()) {
      try {
        List<Message> batch = new ArrayList<>();
        batch.add(outbox.take());
        if (reorderRate > 0 && random.nextDouble() < reorderRate) {
          Message next = outbox.poll(50, java.util.concurrent.TimeUnit.MILLISECONDS);
          if (next != null) {
            batch.addFirst(next);
          }
        }
        for (Message message : batch) {
          send(message);
          if (duplicateRate > 0 && random.nextDouble() < duplicateRate) {
            send(message);
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void send(Message message) throws InterruptedException {
    String queueName = message.queueArn().substring(message.queueArn().lastIndexOf(':') + 1);
    String queueUrl = sqsEndpoint.resolve("/" + account + "/" + queueName).toString();
    String body =
        Json.object().put("QueueUrl", queueUrl).put("MessageBody", message.body()).toString();
    HttpRequest request =
        HttpRequest.newBuilder(sqsEndpoint)
            .timeout(Duration.ofSeconds(10))
            .header("Content-Type", "application/x-amz-json-1.0")
            .header("X-Amz-Target", "AmazonSQS.SendMessage")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build();
    try {
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() == 200) {
        delivered.incrementAndGet();
        return;
      }
      if (response.body().contains("QueueDoesNotExist")) {
        dropped.incrementAndGet(); // EventBridge too gives up on a target that does not exist
        LOG.debug("dropped event for missing queue {}", queueName);
        return;
      }
      retry(message);
    } catch (java.io.IOException e) {
      retry(message);
    }
  }

  private void retry(Message message) throws InterruptedException {
    if (message.attempt() >= 20) {
      dropped.incrementAndGet();
      return;
    }
    Thread.sleep(RETRY); // back off before a retry of a failed delivery, as EventBridge does
    outbox.addFirst(new Message(message.queueArn(), message.body(), message.attempt() + 1));
  }

  @Override
  public void close() {
    worker.interrupt();
  }
}
