package dev.sherlock.health;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class DependenciesTest {
  private final Logger logger = (Logger) LoggerFactory.getLogger(Dependencies.class);
  private final ListAppender<ILoggingEvent> log = new ListAppender<>();
  private final Dependencies dependencies = new Dependencies(Clock.systemUTC());

  private Level levelBefore;

  @BeforeEach
  void capture() {
    levelBefore = logger.getLevel();
    logger.setLevel(Level.INFO);
    log.start();
    logger.addAppender(log);
  }

  @AfterEach
  void release() {
    logger.detachAppender(log);
    logger.setLevel(levelBefore);
  }

  private List<String> lines() {
    return log.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
  }

  @Test
  void anOutageIsOneLineDownAndOneLineBackHoweverOftenItIsRetried() {
    dependencies.up("SQS");
    for (int attempt = 0; attempt < 5; attempt++) {
      dependencies.down("SQS", "queue q does not exist");
    }
    assertThat(dependencies.allUp()).isFalse();
    for (int attempt = 0; attempt < 5; attempt++) {
      dependencies.up("SQS");
    }
    assertThat(dependencies.allUp()).isTrue();
    assertThat(lines()).hasSize(2);
    assertThat(lines().get(0)).startsWith("SQS is unavailable: queue q does not exist");
    assertThat(lines().get(1)).startsWith("SQS is reachable again");
  }

  @Test
  void aNewCauseIsANewLine() {
    dependencies.down("SQS", "queue q does not exist");
    dependencies.down("SQS", "access denied");
    assertThat(lines()).hasSize(2);
    assertThat(dependencies.all().get("SQS").cause()).contains("access denied");
  }

  /** Sixteen receivers find the queue gone at the same moment: still one line. */
  @RepeatedTest(20)
  void receiversReportingAtOnceLogOneLine() throws Exception {
    int receivers = 16;
    CountDownLatch go = new CountDownLatch(1);
    try (ExecutorService pool = Executors.newFixedThreadPool(receivers)) {
      List<Future<?>> reports =
          IntStream.range(0, receivers)
              .<Future<?>>mapToObj(
                  i ->
                      pool.submit(
                          () -> {
                            go.await();
                            dependencies.down("SQS", "queue q does not exist");
                            return null;
                          }))
              .toList();
      go.countDown();
      for (Future<?> report : reports) {
        report.get();
      }
    }
    assertThat(lines()).hasSize(1);
  }
}
