package dev.sherlock;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Arrays;
import java.util.List;

/** One in-process run of the {@code sherlock} command line, with what it printed. */
public record CommandLineRun(int exitCode, String out, String err) {

  public static CommandLineRun of(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exitCode = Sherlock.execute(new PrintWriter(out), new PrintWriter(err), args);
    return new CommandLineRun(exitCode, out.toString(), err.toString());
  }

  public List<String> outLines() {
    return Arrays.stream(out.split("\n")).filter(l -> !l.isBlank()).toList();
  }
}
