package dev.sherlock.finding;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** A finding as one JSON object: the log line, the API's answer, the published event's detail. */
public final class FindingJson {
  private FindingJson() {}

  public static ObjectNode of(Finding finding) {
    ObjectNode json =
        JsonNodeFactory.instance
            .objectNode()
            .put("id", finding.id())
            .put("time", finding.time().toString())
            .put("kind", finding.kind().name());
    finding.cluster().ifPresent(c -> json.put("cluster", c));
    finding.service().ifPresent(s -> json.put("service", s));
    finding.policy().ifPresent(p -> json.put("policy", p));
    finding.session().ifPresent(s -> json.put("session", s));
    json.put("summary", finding.summary());
    json.set("evidence", finding.evidence());
    return json;
  }
}
