package dev.sherlock.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.SdkField;
import software.amazon.awssdk.core.SdkPojo;
import software.amazon.awssdk.core.protocol.MarshallingType;
import software.amazon.awssdk.core.traits.ListTrait;
import software.amazon.awssdk.core.traits.MapTrait;
import software.amazon.awssdk.core.util.SdkAutoConstructList;
import software.amazon.awssdk.core.util.SdkAutoConstructMap;
import software.amazon.awssdk.utils.builder.SdkBuilder;

/**
 * Converts AWS SDK v2 model objects to and from the JSON that the AWS APIs and the AWS CLI use,
 * driven by the SDK's own field metadata ({@link SdkPojo#sdkFields()}), so that every field of a
 * shape is carried, including fields added to the SDK after this code was written.
 *
 * <p>Timestamps are read as epoch seconds (the wire format) or ISO-8601 text (what the AWS CLI
 * prints), and written as epoch seconds. Fields that were never set stay absent.
 */
public final class SdkJson {
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  private SdkJson() {}

  /** Reads {@code json} into the builder and builds it; unknown JSON fields are ignored. */
  @SuppressWarnings("unchecked")
  public static <T> T read(JsonNode json, SdkPojo builder) {
    fill(json, builder);
    return (T) ((SdkBuilder<?, ?>) builder).build();
  }

  public static ObjectNode write(SdkPojo pojo) {
    ObjectNode object = JSON.objectNode();
    for (SdkField<?> field : pojo.sdkFields()) {
      Object value = field.getValueOrDefault(pojo);
      if (isSet(value)) {
        object.set(field.locationName(), toJson(field, value));
      }
    }
    return object;
  }

  /**
   * Copies every field that {@code target} has and {@code source} has under the same name: how a
   * task definition becomes a request to register its next revision without losing anything.
   */
  public static void copyMatchingFields(SdkPojo source, SdkPojo target) {
    Map<String, SdkField<?>> sourceFields = new LinkedHashMap<>();
    source.sdkFields().forEach(f -> sourceFields.put(f.memberName(), f));
    for (SdkField<?> field : target.sdkFields()) {
      SdkField<?> from = sourceFields.get(field.memberName());
      if (from != null) {
        Object value = from.getValueOrDefault(source);
        if (isSet(value)) {
          field.set(target, value);
        }
      }
    }
  }

  private static void fill(JsonNode json, SdkPojo builder) {
    if (!json.isObject()) {
      throw new IllegalArgumentException("expected a JSON object, got " + json.getNodeType());
    }
    for (SdkField<?> field : builder.sdkFields()) {
      JsonNode value = json.get(field.locationName());
      if (value != null && !value.isNull()) {
        field.set(builder, fromJson(field, value));
      }
    }
  }

  private static Object fromJson(SdkField<?> field, JsonNode value) {
    MarshallingType<?> type = field.marshallingType();
    if (type == MarshallingType.STRING) {
      return value.asText();
    } else if (type == MarshallingType.INTEGER) {
      return value.asInt();
    } else if (type == MarshallingType.LONG) {
      return value.asLong();
    } else if (type == MarshallingType.SHORT) {
      return (short) value.asInt();
    } else if (type == MarshallingType.BYTE) {
      return (byte) value.asInt();
    } else if (type == MarshallingType.DOUBLE) {
      return value.asDouble();
    } else if (type == MarshallingType.FLOAT) {
      return (float) value.asDouble();
    } else if (type == MarshallingType.BIG_DECIMAL) {
      return new BigDecimal(value.asText());
    } else if (type == MarshallingType.BOOLEAN) {
      return value.asBoolean();
    } else if (type == MarshallingType.INSTANT) {
      return instant(value);
    } else if (type == MarshallingType.SDK_BYTES) {
      return SdkBytes.fromByteArray(Base64.getDecoder().decode(value.asText()));
    } else if (type == MarshallingType.SDK_POJO) {
      return read(value, field.constructor().get());
    } else if (type == MarshallingType.LIST) {
      SdkField<?> member = field.getRequiredTrait(ListTrait.class).memberFieldInfo();
      List<Object> list = new ArrayList<>();
      value.forEach(item -> list.add(item.isNull() ? null : fromJson(member, item)));
      return list;
    } else if (type == MarshallingType.MAP) {
      SdkField<?> member = field.getRequiredTrait(MapTrait.class).valueFieldInfo();
      Map<String, Object> map = new LinkedHashMap<>();
      value
          .fields()
          .forEachRemaining(
              e ->
                  map.put(
                      e.getKey(), e.getValue().isNull() ? null : fromJson(member, e.getValue())));
      return map;
    }
    throw new IllegalArgumentException(
        "field %s of type %s is not supported".formatted(field.memberName(), type));
  }

  private static JsonNode toJson(SdkField<?> field, Object value) {
    return switch (value) {
      case null -> JSON.nullNode();
      case String s -> JSON.textNode(s);
      case Integer i -> JSON.numberNode(i);
      case Long l -> JSON.numberNode(l);
      case Short s -> JSON.numberNode(s);
      case Byte b -> JSON.numberNode(b);
      case Double d -> JSON.numberNode(d);
      case Float f -> JSON.numberNode(f);
      case BigDecimal d -> JSON.numberNode(d);
      case Boolean b -> JSON.booleanNode(b);
      case Instant instant ->
          JSON.numberNode(
              BigDecimal.valueOf(instant.getEpochSecond())
                  .add(BigDecimal.valueOf(instant.getNano(), 9))
                  .stripTrailingZeros());
      case SdkBytes bytes -> JSON.textNode(Base64.getEncoder().encodeToString(bytes.asByteArray()));
      case SdkPojo pojo -> write(pojo);
      case List<?> list -> {
        SdkField<?> member = field.getRequiredTrait(ListTrait.class).memberFieldInfo();
        ArrayNode array = JSON.arrayNode();
        list.forEach(item -> array.add(toJson(member, item)));
        yield array;
      }
      case Map<?, ?> map -> {
        SdkField<?> member = field.getRequiredTrait(MapTrait.class).valueFieldInfo();
        ObjectNode object = JSON.objectNode();
        map.forEach((k, v) -> object.set(k.toString(), toJson(member, v)));
        yield object;
      }
      default ->
          throw new IllegalArgumentException(
              "field %s holds an unsupported %s"
                  .formatted(field.memberName(), value.getClass().getSimpleName()));
    };
  }

  private static boolean isSet(Object value) {
    return value != null
        && !(value instanceof SdkAutoConstructList<?>)
        && !(value instanceof SdkAutoConstructMap<?, ?>);
  }

  private static Instant instant(JsonNode value) {
    if (value.isNumber()) {
      BigDecimal seconds = value.decimalValue();
      return Instant.ofEpochSecond(
          seconds.longValue(), seconds.remainder(BigDecimal.ONE).movePointRight(9).longValue());
    }
    String text = value.asText();
    try {
      return OffsetDateTime.parse(text).toInstant();
    } catch (DateTimeParseException e) {
      return Instant.parse(text);
    }
  }
}
