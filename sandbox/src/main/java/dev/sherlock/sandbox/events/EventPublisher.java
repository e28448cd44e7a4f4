package dev.sherlock.sandbox.events;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/** Where AWS services put the events they emit: the default EventBridge bus. */
public interface EventPublisher {
  void publish(String source, String detailType, List<String> resources, ObjectNode detail);
}
