package dev.sherlock.policy;

import java.util.Map;

/** The name and labels of a document, as in Kubernetes objects. */
public record Metadata(String name, Map<String, String> labels, Map<String, String> annotations) {
  public Metadata {
    labels = labels == null ? Map.of() : Map.copyOf(labels);
    annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
  }
}
