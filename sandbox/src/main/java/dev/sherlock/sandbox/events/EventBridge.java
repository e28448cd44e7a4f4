package dev.sherlock.sandbox.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sherlock.sandbox.http.AwsException;
import dev.sherlock.sandbox.http.Json;
import dev.sherlock.sandbox.http.JsonApi;
import dev.sherlock.sandbox.http.Pagination;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Amazon EventBridge over AWS JSON 1.1 ({@code AWSEvents.*}): buses, rules with event patterns,
 * targets, and PutEvents. AWS services' own events arrive through {@link #publish}. Matching events
 * go to their rules' SQS targets through the {@link Delivery}, at least once.
 */
public final class EventBridge implements JsonApi, EventPublisher {
  public static final String TARGET_PREFIX = "AWSEvents";
  private static final String DEFAULT_BUS = "default";

  /** A rule on a bus. */
  private static final class Rule {
    final String name;
    final String bus;
    final String arn;
    JsonNode patternJson;
    EventPattern pattern;
    String state = "ENABLED";
    String description;
    final Map<String, ObjectNode> targets = new LinkedHashMap<>();

    Rule(String name, String bus, String arn) {
      this.name = name;
      this.bus = bus;
      this.arn = arn;
    }
  }

  private final String region;
  private final String account;
  private final Clock clock;
  private final Delivery delivery;
  private final Map<String, Map<String, Rule>> buses = new LinkedHashMap<>();

  public EventBridge(String region, String account, Clock clock, Delivery delivery) {
    this.region = region;
    this.account = account;
    this.clock = clock;
    this.delivery = delivery;
    buses.put(DEFAULT_BUS, new LinkedHashMap<>());
  }

  @Override
  public String serviceName() {
    return "events";
  }

  @Override
  public void publish(String source, String detailType, List<String> resources, ObjectNode detail) {
    ObjectNode event = envelope(source, detailType, resources, detail, clock.instant());
    route(DEFAULT_BUS, event);
  }

  @Override
  public JsonNode handle(String operation, JsonNode request) {
    return switch (operation) {
      case "PutRule" -> putRule(request);
      case "DescribeRule" -> describeRule(request);
      case "ListRules" -> listRules(request);
      case "DeleteRule" -> deleteRule(request);
      case "EnableRule" -> setState(request, "ENABLED");
      case "DisableRule" -> setState(request, "DISABLED");
      case "PutTargets" -> putTargets(request);
      case "RemoveTargets" -> removeTargets(request);
      case "ListTargetsByRule" -> listTargets(request);
      case "PutEvents" -> putEvents(request);
      case "TestEventPattern" -> testEventPattern(request);
      case "CreateEventBus" -> createEventBus(request);
      case "DeleteEventBus" -> deleteEventBus(request);
      case "DescribeEventBus" -> describeEventBus(request);
      case "ListEventBuses" -> listEventBuses();
      default ->
          throw new AwsException(
              "UnknownOperationException",
              400,
              "The sandbox does not implement EventBridge " + operation);
    };
  }

  private ObjectNode envelope(
      String source, String detailType, List<String> resources, JsonNode detail, Instant time) {
    ObjectNode event =
        Json.object()
            .put("version", "0")
            .put("id", UUID.randomUUID().toString())
            .put("detail-type", detailType)
            .put("source", source)
            .put("account", account)
            .put("time", time.truncatedTo(ChronoUnit.SECONDS).toString())
            .put("region", region);
    event.set("resources", Json.arrayOf(resources));
    event.set("detail", detail);
    return event;
  }

  private void route(String bus, ObjectNode event) {
    for (Rule rule : buses.getOrDefault(bus, Map.of()).values()) {
      if (rule.state.equals("ENABLED") && rule.pattern != null && rule.pattern.matches(event)) {
        for (ObjectNode target : rule.targets.values()) {
          delivery.deliver(target.path("Arn").asText(), payload(target, event));
        }
      }
    }
  }

  /** The message a target receives: the event, or the target's constant Input, or an InputPath. */
  private static String payload(ObjectNode target, ObjectNode event) {
    if (target.hasNonNull("Input")) {
      return target.path("Input").asText();
    }
    if (target.hasNonNull("InputPath")) {
      String path = target.path("InputPath").asText();
      JsonNode selected = event.at(path.replaceFirst("^\\$", "").replace('.', '/'));
      return selected.isTextual() ? selected.asText() : selected.toString();
    }
    return event.toString();
  }

  private String busName(JsonNode request) {
    String bus =
        Json.text(request, "EventBusName")
            .map(b -> b.substring(b.lastIndexOf('/') + 1))
            .orElse(DEFAULT_BUS);
    if (!buses.containsKey(bus)) {
      throw AwsException.client(
          "ResourceNotFoundException", "Event bus %s does not exist.".formatted(bus));
    }
    return bus;
  }

  private Rule rule(JsonNode request, String nameField) {
    String bus = busName(request);
    Rule rule = buses.get(bus).get(Json.requiredText(request, nameField));
    if (rule == null) {
      throw AwsException.client(
          "ResourceNotFoundException",
          "Rule %s does not exist on EventBus %s."
              .formatted(request.path(nameField).asText(), bus));
    }
    return rule;
  }

  private JsonNode putRule(JsonNode request) {
    String bus = busName(request);
    String name = Json.requiredText(request, "Name");
    if (!name.matches("[\\.\\-_A-Za-z0-9]{1,64}")) {
      throw AwsException.client("ValidationException", "Rule name is invalid: " + name);
    }
    Optional<String> patternText = Json.text(request, "EventPattern");
    if (patternText.isEmpty() && Json.text(request, "ScheduleExpression").isEmpty()) {
      throw AwsException.client(
          "ValidationException",
          "Parameter(s) EventPattern or ScheduleExpression must be specified.");
    }
    Rule rule = buses.get(bus).computeIfAbsent(name, n -> new Rule(n, bus, ruleArn(bus, n)));
    if (patternText.isPresent()) {
      try {
        rule.patternJson = Json.MAPPER.readTree(patternText.get());
        rule.pattern = EventPattern.parse(rule.patternJson);
      } catch (IOException | IllegalArgumentException e) {
        throw AwsException.client(
            "InvalidEventPatternException",
            "Event pattern is not valid. Reason: " + e.getMessage());
      }
    }
    rule.state = Json.text(request, "State").orElse("ENABLED");
    rule.description = Json.text(request, "Description").orElse(null);
    return Json.object().put("RuleArn", rule.arn);
  }

  private String ruleArn(String bus, String name) {
    return "arn:aws:events:%s:%s:rule/%s%s"
        .formatted(region, account, bus.equals(DEFAULT_BUS) ? "" : bus + "/", name);
  }

  private ObjectNode ruleJson(Rule rule) {
    ObjectNode json =
        Json.object()
            .put("Name", rule.name)
            .put("Arn", rule.arn)
            .put("State", rule.state)
            .put("EventBusName", rule.bus);
    if (rule.patternJson != null) {
      json.put("EventPattern", rule.patternJson.toString());
    }
    if (rule.description != null) {
      json.put("Description", rule.description);
    }
    return json;
  }

  private JsonNode describeRule(JsonNode request) {
    return ruleJson(rule(request, "Name"));
  }

  private JsonNode listRules(JsonNode request) {
    String bus = busName(request);
    Optional<String> prefix = Json.text(request, "NamePrefix");
    List<Rule> rules =
        buses.get(bus).values().stream()
            .filter(r -> prefix.map(r.name::startsWith).orElse(true))
            .toList();
    var page =
        Pagination.page(
            rules, optionalInt(request, "Limit"), Json.text(request, "NextToken"), 100, 100);
    ObjectNode response = Json.object();
    ArrayNode array = response.putArray("Rules");
    page.items().forEach(r -> array.add(ruleJson(r)));
    page.nextToken().ifPresent(t -> response.put("NextToken", t));
    return response;
  }

  private JsonNode deleteRule(JsonNode request) {
    Rule rule = rule(request, "Name");
    if (!rule.targets.isEmpty()) {
      throw AwsException.client(
          "ValidationException", "Rule can't be deleted since it has targets.");
    }
    buses.get(rule.bus).remove(rule.name);
    return Json.object();
  }

  private JsonNode setState(JsonNode request, String state) {
    rule(request, "Name").state = state;
    return Json.object();
  }

  private JsonNode putTargets(JsonNode request) {
    Rule rule = rule(request, "Rule");
    JsonNode targets = request.path("Targets");
    if (!targets.isArray() || targets.isEmpty() || targets.size() > 10) {
      throw AwsException.client(
          "ValidationException", "Targets must contain between 1 and 10 items.");
    }
    ObjectNode response = Json.object();
    ArrayNode failed = response.putArray("FailedEntries");
    for (JsonNode target : targets) {
      String id = target.path("Id").asText("");
      if (id.isEmpty() || !target.hasNonNull("Arn")) {
        failed
            .addObject()
            .put("TargetId", id)
            .put("ErrorCode", "ValidationException")
            .put("ErrorMessage", "Id and Arn are required.");
      } else if (rule.targets.size() >= 5 && !rule.targets.containsKey(id)) {
        throw AwsException.client(
            "LimitExceededException", "The requested resource exceeds the maximum number allowed.");
      } else {
        rule.targets.put(id, (ObjectNode) target.deepCopy());
      }
    }
    response.put("FailedEntryCount", failed.size());
    return response;
  }

  private JsonNode removeTargets(JsonNode request) {
    Rule rule = rule(request, "Rule");
    Json.texts(request, "Ids").forEach(rule.targets::remove);
    return Json.object().put("FailedEntryCount", 0).set("FailedEntries", Json.array());
  }

  private JsonNode listTargets(JsonNode request) {
    Rule rule = rule(request, "Rule");
    ObjectNode response = Json.object();
    ArrayNode array = response.putArray("Targets");
    rule.targets.values().forEach(array::add);
    return response;
  }

  private JsonNode putEvents(JsonNode request) {
    JsonNode entries = request.path("Entries");
    if (!entries.isArray() || entries.isEmpty() || entries.size() > 10) {
      throw AwsException.client(
          "ValidationException", "Entries must contain between 1 and 10 items.");
    }
    ObjectNode response = Json.object();
    ArrayNode results = response.putArray("Entries");
    int failed = 0;
    for (JsonNode entry : entries) {
      try {
        String bus = busName(entry);
        String source = Json.requiredText(entry, "Source");
        String detailType = Json.requiredText(entry, "DetailType");
        JsonNode detail = Json.MAPPER.readTree(Json.requiredText(entry, "Detail"));
        if (!detail.isObject()) {
          throw AwsException.client("MalformedDetail", "Detail is malformed.");
        }
        if (source.startsWith("aws.")) {
          throw AwsException.client(
              "NotAuthorizedForSourceException", "Not authorized for the source.");
        }
        Instant time = entry.has("Time") ? Json.instant(entry.get("Time")) : clock.instant();
        ObjectNode event =
            envelope(source, detailType, Json.texts(entry, "Resources"), detail, time);
        route(bus, event);
        results.addObject().put("EventId", event.path("id").asText());
      } catch (AwsException e) {
        failed++;
        results.addObject().put("ErrorCode", e.code()).put("ErrorMessage", e.getMessage());
      } catch (IOException e) {
        failed++;
        results
            .addObject()
            .put("ErrorCode", "MalformedDetail")
            .put("ErrorMessage", "Detail is malformed.");
      }
    }
    response.put("FailedEntryCount", failed);
    return response;
  }

  private JsonNode testEventPattern(JsonNode request) {
    try {
      EventPattern pattern =
          EventPattern.parse(Json.MAPPER.readTree(Json.requiredText(request, "EventPattern")));
      JsonNode event = Json.MAPPER.readTree(Json.requiredText(request, "Event"));
      return Json.object().put("Result", pattern.matches(event));
    } catch (IOException | IllegalArgumentException e) {
      throw AwsException.client(
          "InvalidEventPatternException", "Event pattern is not valid. Reason: " + e.getMessage());
    }
  }

  private JsonNode createEventBus(JsonNode request) {
    String name = Json.requiredText(request, "Name");
    if (buses.containsKey(name)) {
      throw AwsException.client(
          "ResourceAlreadyExistsException", "Event bus %s already exists.".formatted(name));
    }
    buses.put(name, new LinkedHashMap<>());
    return Json.object().put("EventBusArn", busArn(name));
  }

  private JsonNode deleteEventBus(JsonNode request) {
    String name = Json.requiredText(request, "Name");
    if (!name.equals(DEFAULT_BUS)) {
      buses.remove(name);
    }
    return Json.object();
  }

  private JsonNode describeEventBus(JsonNode request) {
    String bus =
        busName(
            request.has("Name")
                ? Json.object().put("EventBusName", request.path("Name").asText())
                : request);
    return Json.object().put("Name", bus).put("Arn", busArn(bus));
  }

  private JsonNode listEventBuses() {
    ObjectNode response = Json.object();
    ArrayNode array = response.putArray("EventBuses");
    buses.keySet().forEach(b -> array.addObject().put("Name", b).put("Arn", busArn(b)));
    return response;
  }

  private String busArn(String name) {
    return "arn:aws:events:%s:%s:event-bus/%s".formatted(region, account, name);
  }

  private static Optional<Integer> optionalInt(JsonNode request, String field) {
    return request.has(field) ? Optional.of(request.path(field).asInt()) : Optional.empty();
  }

  /** Everything sent to each target ARN is handed here; delivery happens outside the world lock. */
  public interface Delivery {
    void deliver(String targetArn, String message);
  }

  /** For tests and tools: the rules' targets, e.g. to check what install created. */
  public List<String> targetArns(String ruleName) {
    List<String> arns = new ArrayList<>();
    buses
        .get(DEFAULT_BUS)
        .getOrDefault(ruleName, new Rule(ruleName, DEFAULT_BUS, ""))
        .targets
        .values()
        .forEach(t -> arns.add(t.path("Arn").asText()));
    return arns;
  }
}
