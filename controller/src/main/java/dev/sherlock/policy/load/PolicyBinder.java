package dev.sherlock.policy.load;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import dev.sherlock.policy.DebugPolicy;
import dev.sherlock.policy.DebugSession;
import dev.sherlock.policy.Durations;
import dev.sherlock.policy.PolicyDocument;
import java.io.IOException;
import java.time.Duration;

/**
 * Binds a schema-valid document to the model records. Unknown properties fail here too, so a field
 * the schema allows but the model lacks can never be dropped silently.
 */
public final class PolicyBinder {
  private static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .addModule(new Jdk8Module())
          .addModule(new SimpleModule().addDeserializer(Duration.class, new DurationDeserializer()))
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();

  /** The mapper that reads the model; tools that inspect the model's properties use it too. */
  public static ObjectMapper mapper() {
    return MAPPER;
  }

  /**
   * @throws JsonMappingException when the document does not fit the model (a schema/model gap)
   */
  public PolicyDocument bind(String kind, YamlDocument document) throws JsonMappingException {
    Class<? extends PolicyDocument> type =
        switch (kind) {
          case DebugPolicy.KIND -> DebugPolicy.class;
          case DebugSession.KIND -> DebugSession.class;
          default -> throw new IllegalArgumentException("unknown kind " + kind);
        };
    try {
      return MAPPER.treeToValue(document.root(), type);
    } catch (JsonMappingException e) {
      throw e;
    } catch (IOException e) {
      throw JsonMappingException.fromUnexpectedIOE(e);
    }
  }

  private static final class DurationDeserializer extends JsonDeserializer<Duration> {
    @Override
    public Duration deserialize(JsonParser parser, DeserializationContext context)
        throws IOException {
      try {
        return Durations.parse(parser.getValueAsString());
      } catch (IllegalArgumentException e) {
        throw JsonMappingException.from(parser, e.getMessage(), e);
      }
    }
  }
}
