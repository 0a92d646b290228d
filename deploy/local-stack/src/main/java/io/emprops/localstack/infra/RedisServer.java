package io.emprops.localstack.infra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Redis 7 (the job queue needs Redis Functions) from {@code org.signal:embedded-redis}, run as a
 * child process. With a data directory it keeps an append-only file there; without, it is
 * memory-only.
 */
public final class RedisServer implements InfraComponent {

  private final redis.embedded.RedisServer server;
  private final int port;

  private RedisServer(redis.embedded.RedisServer server, int port) {
    this.server = server;
    this.port = port;
  }

  /** @param dataDirectory null for a memory-only server */
  public static RedisServer start(int port, Path dataDirectory) {
    var builder = redis.embedded.RedisServer.builder()
        .port(port)
        .bind(Ports.LOOPBACK)
        .setting("protected-mode yes")
        .setting("save \"\"");
    if (dataDirectory == null) {
      builder.setting("appendonly no");
    } else {
      try {
        Files.createDirectories(dataDirectory);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      builder.setting("dir " + dataDirectory.toAbsolutePath())
          .setting("appendonly yes")
          .setting("appendfsync everysec");
    }
    redis.embedded.RedisServer server = builder.build();
    server.start();
    Ports.awaitListening("redis", port, Duration.ofSeconds(20));
    return new RedisServer(server, port);
  }

  @Override
  public String name() {
    return "redis";
  }

  @Override
  public String endpoint() {
    return url();
  }

  public int port() {
    return port;
  }

  public String url() {
    return "redis://" + Ports.LOOPBACK + ":" + port;
  }

  @Override
  public void close() {
    server.stop();
  }
}
