package dev.sherlock.sandbox.cloudwatch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper;
import com.sun.net.httpserver.HttpExchange;
import dev.sherlock.sandbox.http.AwsException;
import dev.sherlock.sandbox.http.Json;
import dev.sherlock.sandbox.http.SandboxHttpServer;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The two wire formats CloudWatch has besides JSON 1.0: Smithy RPC v2 CBOR, which current SDKs send
 * ({@code POST .../service/GraniteServiceVersion20100801/operation/<Op>}), and the query protocol
 * with XML answers, which older SDKs and the AWS CLI v2 send ({@code Action=...}).
 */
public final class CloudWatchRoutes {
  public static final String JSON_TARGET_PREFIX = "GraniteServiceVersion20100801";
  private static final String CBOR_PATH = "/service/GraniteServiceVersion20100801/operation/";
  private static final String XMLNS = "http://monitoring.amazonaws.com/doc/2010-08-01/";
  private static final CBORMapper CBOR = new CBORMapper();

  /** Members whose numbers are timestamps: XML writes them as ISO-8601. */
  private static final Set<String> TIMESTAMPS =
      Set.of("Timestamps", "Timestamp", "StartTime", "EndTime");

  /** Members that are maps, which the query protocol writes as {@code entry/key/value}. */
  private static final Set<String> MAPS = Set.of("ExtendedStatistics");

  private CloudWatchRoutes() {}

  /** Smithy RPC v2 CBOR. */
  public static SandboxHttpServer.Route cbor(CloudWatch cloudWatch) {
    return new SandboxHttpServer.Route() {
      @Override
      public boolean matches(HttpExchange exchange, byte[] body) {
        return exchange.getRequestURI().getPath().contains(CBOR_PATH);
      }

      @Override
      public void serve(HttpExchange exchange, byte[] body, SandboxHttpServer.Calls calls)
          throws IOException {
        String path = exchange.getRequestURI().getPath();
        String operation = path.substring(path.indexOf(CBOR_PATH) + CBOR_PATH.length());
        exchange.getResponseHeaders().add("smithy-protocol", "rpc-v2-cbor");
        JsonNode response;
        int status = 200;
        try {
          JsonNode request = body.length == 0 ? Json.object() : CBOR.readTree(body);
          response = calls.call(cloudWatch, operation, request == null ? Json.object() : request);
        } catch (AwsException e) {
          status = e.status();
          response = SandboxHttpServer.errorBody(exchange, cloudWatch, e);
        } catch (IOException e) {
          status = 400;
          response =
              SandboxHttpServer.errorBody(
                  exchange,
                  cloudWatch,
                  AwsException.client("SerializationException", "malformed CBOR"));
        }
        SandboxHttpServer.send(
            exchange, status, "application/cbor", CBOR.writeValueAsBytes(doubles(response)));
      }
    };
  }

  /** The query protocol: form-encoded requests, XML responses. */
  public static SandboxHttpServer.Route query(CloudWatch cloudWatch) {
    return new SandboxHttpServer.Route() {
      @Override
      public boolean matches(HttpExchange exchange, byte[] body) {
        String type = exchange.getRequestHeaders().getFirst("Content-Type");
        return type != null
            && type.startsWith("application/x-www-form-urlencoded")
            && new String(body, StandardCharsets.UTF_8).contains("Version=2010-08-01");
      }

      @Override
      public void serve(HttpExchange exchange, byte[] body, SandboxHttpServer.Calls calls)
          throws IOException {
        ObjectNode form = form(new String(body, StandardCharsets.UTF_8));
        String operation = form.path("Action").asText();
        form.remove(java.util.List.of("Action", "Version"));
        String requestId = UUID.randomUUID().toString();
        try {
          JsonNode response = calls.call(cloudWatch, operation, form);
          StringBuilder xml =
              new StringBuilder("<%sResponse xmlns=\"%s\">".formatted(operation, XMLNS));
          if (!response.isEmpty()) {
            xml.append("<%sResult>".formatted(operation));
            members(response, xml, false);
            xml.append("</%sResult>".formatted(operation));
          }
          xml.append(
              "<ResponseMetadata><RequestId>%s</RequestId></ResponseMetadata></%sResponse>"
                  .formatted(requestId, operation));
          SandboxHttpServer.send(
              exchange, 200, "text/xml", xml.toString().getBytes(StandardCharsets.UTF_8));
        } catch (AwsException e) {
          String xml =
              "<ErrorResponse xmlns=\"%s\"><Error><Type>%s</Type><Code>%s</Code><Message>%s</Message></Error><RequestId>%s</RequestId></ErrorResponse>"
                  .formatted(
                      XMLNS,
                      e.status() >= 500 ? "Receiver" : "Sender",
                      e.code(),
                      escape(e.getMessage()),
                      requestId);
          SandboxHttpServer.send(
              exchange, e.status(), "text/xml", xml.getBytes(StandardCharsets.UTF_8));
        }
      }
    };
  }

  /** {@code A.member.1.B=x} becomes {@code {"A": [{"B": "x"}]}}. */
  static ObjectNode form(String body) {
    ObjectNode root = Json.object();
    for (String pair : body.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      String value =
          eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      String[] parts = key.split("\\.");
      JsonNode node = root;
      for (int i = 0; i < parts.length; i++) {
        boolean last = i == parts.length - 1;
        if (parts[i].equals("member") && i + 1 < parts.length) {
          continue; // the list's index follows
        }
        if (node instanceof ArrayNode array) {
          int index = Integer.parseInt(parts[i]) - 1;
          while (array.size() <= index) {
            array.addObject();
          }
          if (last) {
            array.set(index, Json.MAPPER.getNodeFactory().textNode(value));
          } else {
            node = array.get(index);
          }
        } else {
          ObjectNode object = (ObjectNode) node;
          if (last) {
            object.put(parts[i], value);
          } else {
            boolean list = parts[i + 1].equals("member");
            JsonNode child = object.get(parts[i]);
            if (child == null) {
              child = list ? object.putArray(parts[i]) : object.putObject(parts[i]);
            }
            node = child;
          }
        }
      }
    }
    return root;
  }

  private static void members(JsonNode node, StringBuilder xml, boolean timestamps) {
    if (node.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        var field = it.next();
        xml.append('<').append(field.getKey()).append('>');
        if (MAPS.contains(field.getKey())) {
          // A map: the query protocol writes each pair as an entry.
          field
              .getValue()
              .fields()
              .forEachRemaining(
                  e ->
                      xml.append("<entry><key>")
                          .append(escape(e.getKey()))
                          .append("</key><value>")
                          .append(escape(e.getValue().asText()))
                          .append("</value></entry>"));
        } else {
          members(field.getValue(), xml, TIMESTAMPS.contains(field.getKey()));
        }
        xml.append("</").append(field.getKey()).append('>');
      }
    } else if (node.isArray()) {
      for (JsonNode item : node) {
        xml.append("<member>");
        members(item, xml, timestamps);
        xml.append("</member>");
      }
    } else if (timestamps && node.isNumber()) {
      xml.append(Instant.ofEpochMilli(node.decimalValue().movePointRight(3).longValue()));
    } else {
      xml.append(escape(node.asText()));
    }
  }

  /** CBOR would write BigDecimals as decimal fractions (tag 4); the SDK wants plain numbers. */
  private static JsonNode doubles(JsonNode node) {
    if (node instanceof DecimalNode decimal) {
      return DoubleNode.valueOf(decimal.doubleValue());
    }
    if (node instanceof ObjectNode object) {
      object.fields().forEachRemaining(e -> e.setValue(doubles(e.getValue())));
    } else if (node instanceof ArrayNode array) {
      for (int i = 0; i < array.size(); i++) {
        array.set(i, doubles(array.get(i)));
      }
    }
    return node;
  }

  private static String escape(String text) {
    return text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\"", "&quot;");
  }
}
