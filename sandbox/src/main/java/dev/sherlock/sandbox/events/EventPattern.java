package dev.sherlock.sandbox.events;

import com.fasterxml.jackson.databind.JsonNode;
import software.amazon.event.ruler.JsonRuleCompiler;
import software.amazon.event.ruler.Machine;

/**
 * An EventBridge event pattern, matched by AWS's own matcher, Event Ruler (the library EventBridge
 * uses), so the sandbox's rules behave as AWS's do: every field ANDed, a list of values ORed, any
 * element of an array in the event, and all of its operators ({@code prefix}, {@code suffix},
 * {@code anything-but}, {@code numeric}, {@code exists}, {@code equals-ignore-case}, {@code
 * wildcard}, {@code cidr}, {@code $or}, ...).
 */
public final class EventPattern {
  private final Machine machine;

  private EventPattern(Machine machine) {
    this.machine = machine;
  }

  /**
   * @throws IllegalArgumentException with Event Ruler's message when the pattern is bad
   */
  public static EventPattern parse(JsonNode pattern) {
    if (!pattern.isObject() || pattern.isEmpty()) {
      throw new IllegalArgumentException("Event pattern must be a non-empty JSON object.");
    }
    String text = pattern.toString();
    String problem = JsonRuleCompiler.check(text);
    if (problem != null) {
      throw new IllegalArgumentException(problem);
    }
    Machine machine = new Machine();
    try {
      machine.addRule("pattern", text);
    } catch (Exception e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
    return new EventPattern(machine);
  }

  public boolean matches(JsonNode event) {
    try {
      return !machine.rulesForJSONEvent(event.toString()).isEmpty();
    } catch (Exception e) {
      return false; // an event Event Ruler cannot read matches nothing, as in EventBridge
    }
  }
}
