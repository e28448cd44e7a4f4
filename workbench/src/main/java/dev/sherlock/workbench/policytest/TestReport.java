package dev.sherlock.workbench.policytest;

import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sherlock.workbench.policytest.Verdicts.Verdict;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code sherlock test} prints: a table for people (as {@code kyverno test} prints one), JSON
 * for programs, or JUnit XML for CI systems that show test reports.
 */
final class TestReport {
  /** The output formats of {@code sherlock test --output}. */
  enum Format {
    table,
    json,
    junit
  }

  private final List<Verdict> verdicts;

  TestReport(List<Verdict> verdicts) {
    this.verdicts = List.copyOf(verdicts);
  }

  boolean passed() {
    return verdicts.stream().allMatch(Verdict::passed);
  }

  void print(Format format, PrintWriter out) {
    switch (format) {
      case table -> table(out);
      case json -> out.println(json());
      case junit -> out.print(junit());
    }
    out.flush();
  }

  private void table(PrintWriter out) {
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"TEST", "POLICY", "SERVICE", "EXPECTATION", "RESULT", "REASON"});
    for (Verdict v : verdicts) {
      rows.add(
          new String[] {
            v.test(),
            v.policy().orElse("-"),
            v.service().orElse("-"),
            v.expectation(),
            v.passed() ? "Pass" : "Fail",
            v.reason()
          });
    }
    int[] widths = new int[5];
    for (String[] row : rows) {
      for (int i = 0; i < widths.length; i++) {
        widths[i] = Math.max(widths[i], row[i].length());
      }
    }
    for (String[] row : rows) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < widths.length; i++) {
        line.append(String.format("%-" + widths[i] + "s  ", row[i]));
      }
      out.println(line.append(row[5]));
    }
    long failed = verdicts.stream().filter(v -> !v.passed()).count();
    long tests = verdicts.stream().map(Verdict::test).distinct().count();
    out.printf(
        "%n%d of %d expectations held in %d test%s%s%n",
        verdicts.size() - failed,
        verdicts.size(),
        tests,
        tests == 1 ? "" : "s",
        failed == 0 ? "" : "; " + failed + " did not");
  }

  private String json() {
    JsonNodeFactory json = JsonNodeFactory.instance;
    ObjectNode root = json.objectNode();
    root.put("passed", passed());
    ArrayNode results = root.putArray("results");
    for (Verdict v : verdicts) {
      ObjectNode r = results.addObject();
      r.put("test", v.test()).put("file", v.file());
      v.policy().ifPresent(p -> r.put("policy", p));
      v.service().ifPresent(s -> r.put("service", s));
      r.put("expectation", v.expectation())
          .put("result", v.passed() ? "pass" : "fail")
          .put("reason", v.reason());
    }
    try {
      return JsonMapper.builder().build().writerWithDefaultPrettyPrinter().writeValueAsString(root);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** One testsuite per test, one testcase per expectation: how CI systems group results. */
  private String junit() {
    Map<String, List<Verdict>> byTest = new LinkedHashMap<>();
    verdicts.forEach(v -> byTest.computeIfAbsent(v.test(), t -> new ArrayList<>()).add(v));
    long failures = verdicts.stream().filter(v -> !v.passed()).count();
    StringBuilder xml = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    xml.append(
        "<testsuites name=\"sherlock test\" tests=\"%d\" failures=\"%d\">\n"
            .formatted(verdicts.size(), failures));
    byTest.forEach(
        (test, list) -> {
          xml.append(
              "  <testsuite name=\"%s\" file=\"%s\" tests=\"%d\" failures=\"%d\">\n"
                  .formatted(
                      escape(test),
                      escape(list.getFirst().file()),
                      list.size(),
                      list.stream().filter(v -> !v.passed()).count()));
          for (Verdict v : list) {
            String name =
                "%s %s/%s"
                    .formatted(v.expectation(), v.policy().orElse("-"), v.service().orElse("-"));
            xml.append(
                "    <testcase classname=\"%s\" name=\"%s\">"
                    .formatted(escape(test), escape(name)));
            if (v.passed()) {
              xml.append("<system-out>%s</system-out>".formatted(escape(v.reason())));
            } else {
              xml.append(
                  "<failure message=\"%s\">%s</failure>"
                      .formatted(escape(v.reason()), escape(v.reason())));
            }
            xml.append("</testcase>\n");
          }
          xml.append("  </testsuite>\n");
        });
    return xml.append("</testsuites>\n").toString();
  }

  private static String escape(String text) {
    StringBuilder out = new StringBuilder(text.length());
    for (char c : text.toCharArray()) {
      switch (c) {
        case '&' -> out.append("&amp;");
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&apos;");
        default -> {
          if (c >= 0x20 || c == '\n' || c == '\t') {
            out.append(c);
          }
        }
      }
    }
    return out.toString();
  }
}
