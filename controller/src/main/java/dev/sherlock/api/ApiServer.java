package dev.sherlock.api;

import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import java.net.URI;

/** Starts the HTTP API of a controller context: findings, sessions, policies, health. */
public final class ApiServer {
  private ApiServer() {}

  /**
   * Starts the embedded server that the context's {@code micronaut.server.*} properties describe
   * (127.0.0.1 unless {@code micronaut.server.host} says otherwise) and returns its address.
   */
  public static URI start(ApplicationContext context) {
    EmbeddedServer server = context.getBean(EmbeddedServer.class);
    server.start();
    return URI.create("http://%s:%d".formatted(server.getHost(), server.getPort()));
  }
}
