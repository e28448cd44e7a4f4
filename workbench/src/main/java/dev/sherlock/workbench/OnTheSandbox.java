package dev.sherlock.workbench;

import dev.sherlock.sandbox.Sandbox;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The controller's settings for running in-process against a sandbox, as {@code demo}, {@code test}
 * and {@code replay} run it: every AWS client on the sandbox's endpoint, the tasks' metadata
 * proxies reached through its address map, and a short long-poll so events flow at the sandbox's
 * pace. The SDK's credentials are the sandbox's (it checks none).
 */
public final class OnTheSandbox {
  private OnTheSandbox() {}

  /** The properties of a controller with these policies and this data directory. */
  public static Map<String, Object> properties(Sandbox sandbox, Path policies, Path data) {
    System.setProperty("aws.accessKeyId", "sandbox");
    System.setProperty("aws.secretAccessKey", "sandbox");
    Map<String, Object> properties = new HashMap<>();
    properties.put("sherlock.aws.endpoint", sandbox.endpoint().toString());
    properties.put("sherlock.aws.region", sandbox.region());
    properties.put("sherlock.policies", policies.toString());
    properties.put("sherlock.data-dir", data.toString());
    properties.put("sherlock.sqs-wait", "1s");
    properties.put("sherlock.task-address-map", sandbox.endpoint() + "/_sandbox/address-map");
    return properties;
  }
}
