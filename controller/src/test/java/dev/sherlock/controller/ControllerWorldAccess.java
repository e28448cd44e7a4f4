package dev.sherlock.controller;

import dev.sherlock.api.ApiServer;
import dev.sherlock.sandbox.Sandbox;
import dev.sherlock.session.Session;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import software.amazon.awssdk.services.ecs.model.Service;

/** {@link ControllerWorld} for tests outside this package, with the HTTP API started. */
public final class ControllerWorldAccess implements AutoCloseable {
  private final ControllerWorld world;

  public ControllerWorldAccess(Path root, Map<String, Object> properties) {
    this.world = new ControllerWorld(root, properties);
  }

  public void policy(String file, String yaml) {
    world.policy(file, yaml);
  }

  public URI startWithApi() {
    world.start();
    return ApiServer.start(world.context);
  }

  public Sandbox sandbox() {
    return world.sandbox;
  }

  public Controller controller() {
    return world.controller;
  }

  public List<String> sessionIds() {
    return world.sessions().stream().map(Session::id).toList();
  }

  public Service service(String name) {
    return world.service(name);
  }

  public String runningRevision(String name) {
    return world.runningRevision(name);
  }

  public void advanceUntil(Duration step, BooleanSupplier condition) {
    world.advanceUntil(step, condition);
  }

  public void awaitUntil(BooleanSupplier condition) {
    world.awaitUntil(condition);
  }

  @Override
  public void close() {
    world.close();
  }
}
