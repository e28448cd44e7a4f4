package dev.sherlock.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import java.io.Console;
import net.logstash.logback.encoder.LogstashEncoder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon's log: stdout, INFO by default, one JSON object per line (Logstash's field names,
 * which CloudWatch Logs Insights, Loki and Elasticsearch read as they are) or text for a person at
 * a terminal. The other commands keep logback.xml's quiet default: warnings on stderr, since their
 * output is their answer.
 */
final class DaemonLogging {
  /** How the daemon logs. */
  enum Format {
    json,
    text,
    /** text when stdout is a terminal, else json */
    auto
  }

  private DaemonLogging() {}

  static void configure(Format format, Level level) {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    boolean json = format == Format.json || (format == Format.auto && !atTerminal());
    Encoder<ILoggingEvent> encoder = json ? jsonEncoder(context) : textEncoder(context);
    ConsoleAppender<ILoggingEvent> appender = new ConsoleAppender<>();
    appender.setContext(context);
    appender.setName("STDOUT");
    appender.setTarget("System.out");
    appender.setEncoder(encoder);
    appender.start();
    ch.qos.logback.classic.Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    root.detachAndStopAllAppenders();
    root.addAppender(appender);
    root.setLevel(Level.WARN); // libraries: warnings only
    context.getLogger("dev.sherlock").setLevel(level);
    context.getLogger("sherlock").setLevel(level);
  }

  /**
   * Whether stdout is a terminal. Since JDK 22 {@code System.console()} is there even when the
   * streams are redirected, and {@code Console.isTerminal()} (absent in 21, the release we build
   * for) tells; on 21 a console exists only at a terminal.
   */
  private static boolean atTerminal() {
    Console console = System.console();
    if (console == null) {
      return false;
    }
    try {
      return (Boolean) Console.class.getMethod("isTerminal").invoke(console);
    } catch (ReflectiveOperationException e) {
      return true;
    }
  }

  private static Encoder<ILoggingEvent> jsonEncoder(LoggerContext context) {
    LogstashEncoder encoder = new LogstashEncoder();
    encoder.setContext(context);
    encoder.setIncludeContext(false);
    encoder.start();
    return encoder;
  }

  private static Encoder<ILoggingEvent> textEncoder(LoggerContext context) {
    PatternLayoutEncoder encoder = new PatternLayoutEncoder();
    encoder.setContext(context);
    encoder.setPattern("%d{HH:mm:ss.SSS} %-5level %logger{0} - %msg%n");
    encoder.start();
    return encoder;
  }
}
