package dev.sherlock.source;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sherlock.Sherlock;
import dev.sherlock.UserError;
import dev.sherlock.snapshot.Redaction;
import io.micronaut.context.env.Environment;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code sherlock run --record FILE}: writes every event the controller receives and every metric
 * datapoint it reads as JSON lines, so that {@code sherlock replay} can feed them through policies
 * later ("had this policy existed during INC-4711, what would Sherlock have done?"). Each line is
 * flushed as it is written: a recording cut short by a crash keeps what came before. Events pass
 * the same redaction as findings - a task's environment can carry a secret.
 *
 * <p>Lines: a header {@code {"type":"recording","version":1,"started":...}} at each start (a
 * restart appends), then {@code {"type":"event","at":...,"event":{...}}} and {@code
 * {"type":"metric","at":...,"namespace":...,
 * "name":...,"dimensions":{...},"statistic":...,"period":60,"points":[[time,value],...]}}, a
 * datapoint recorded once however often it is read.
 */
@Singleton
public final class Recorder {
  /** The property {@code --record} sets. */
  public static final String PROPERTY = "sherlock.record";

  public static final int VERSION = 1;

  private static final Logger LOG = LoggerFactory.getLogger(Recorder.class);
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final Optional<BufferedWriter> out;
  private final Clock clock;
  private final Map<String, Instant> newestPoint = new HashMap<>();
  private boolean failed;

  /**
   * @throws UserError when the file named by {@code sherlock.record} cannot be written
   */
  public Recorder(Environment env, Clock clock) {
    this.clock = clock;
    Optional<Path> file = env.getProperty(PROPERTY, String.class).map(Path::of);
    this.out = file.map(Recorder::open);
    ObjectNode header =
        line("recording").put("version", VERSION).put("sherlock", Sherlock.version());
    header.put("started", clock.instant().toString());
    write(header);
  }

  private static BufferedWriter open(Path file) {
    try {
      // Appended to: a restart with the same --record adds to the recording, it never loses one.
      return Files.newBufferedWriter(
          file,
          StandardCharsets.UTF_8,
          java.nio.file.StandardOpenOption.CREATE,
          java.nio.file.StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UserError("cannot write --record %s: %s".formatted(file, UserError.oneLine(e)));
    }
  }

  public boolean recording() {
    return out.isPresent();
  }

  /** A message as it came from the queue; one that is not JSON is not an event to replay. */
  public void event(String body) {
    if (out.isEmpty()) {
      return;
    }
    JsonNode event;
    try {
      event = MAPPER.readTree(body);
    } catch (IOException e) {
      return;
    }
    if (event != null && event.isObject()) {
      ObjectNode line = line("event");
      line.set("event", Redaction.json(event.deepCopy()));
      write(line);
    }
  }

  /** The datapoints of one metric read, those not recorded before. */
  public void metric(
      String namespace,
      String name,
      Map<String, String> dimensions,
      String statistic,
      long periodSeconds,
      List<Instant> timestamps,
      List<Double> values) {
    if (out.isEmpty()) {
      return;
    }
    String key = namespace + "|" + name + "|" + dimensions + "|" + statistic + "|" + periodSeconds;
    ObjectNode line = line("metric").put("namespace", namespace).put("name", name);
    ObjectNode dims = line.putObject("dimensions");
    dimensions.forEach(dims::put);
    line.put("statistic", statistic).put("period", periodSeconds);
    ArrayNode points = line.putArray("points");
    synchronized (this) {
      Instant newest = newestPoint.getOrDefault(key, Instant.MIN);
      Instant latest = newest;
      for (int i = 0; i < timestamps.size(); i++) {
        if (timestamps.get(i).isAfter(newest)) {
          points.addArray().add(timestamps.get(i).toString()).add(values.get(i));
          latest = timestamps.get(i).isAfter(latest) ? timestamps.get(i) : latest;
        }
      }
      newestPoint.put(key, latest);
    }
    if (!points.isEmpty()) {
      write(line);
    }
  }

  private ObjectNode line(String type) {
    ObjectNode line = JsonNodeFactory.instance.objectNode().put("type", type);
    line.put("at", clock.instant().toString());
    return line;
  }

  private synchronized void write(ObjectNode line) {
    if (out.isEmpty() || failed) {
      return;
    }
    try {
      out.get().write(line.toString());
      out.get().newLine();
      out.get().flush();
    } catch (IOException e) {
      // The controller goes on; one warning, not one per event.
      failed = true;
      LOG.warn("recording stopped: {}", UserError.oneLine(e));
    }
  }

  @PreDestroy
  public synchronized void close() {
    if (out.isPresent()) {
      try {
        out.get().close();
      } catch (IOException e) {
        LOG.debug("closing the recording", e);
      }
    }
  }
}
