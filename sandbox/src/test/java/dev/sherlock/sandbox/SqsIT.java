package dev.sherlock.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;

/** SQS (ElasticMQ) on the sandbox's one endpoint, through the real SDK client. */
class SqsIT {
  private SandboxClients aws;

  @BeforeEach
  void start() {
    aws = new SandboxClients();
  }

  @AfterEach
  void stop() {
    aws.close();
  }

  @Test
  void queuesLiveBehindTheSameEndpointAsEverythingElse() {
    String url = aws.sqs.createQueue(b -> b.queueName("q")).queueUrl();
    aws.sqs.sendMessage(b -> b.queueUrl(url).messageBody("hello"));

    var messages = aws.sqs.receiveMessage(b -> b.queueUrl(url).waitTimeSeconds(1)).messages();

    assertThat(url).isEqualTo(aws.sandbox.endpoint() + "/123456789012/q");
    assertThat(messages).singleElement().satisfies(m -> assertThat(m.body()).isEqualTo("hello"));
    assertThat(aws.sandbox.calls().count("sqs", "SendMessage", "ok")).isEqualTo(1);
    assertThatThrownBy(() -> aws.sqs.getQueueUrl(b -> b.queueName("missing")))
        .isInstanceOf(QueueDoesNotExistException.class);
  }
}
