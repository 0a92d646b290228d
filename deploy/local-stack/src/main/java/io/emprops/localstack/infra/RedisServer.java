package io.emprops.localstack.infra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Redis 7 (the job queue needs Redis Functions) from {@code org.signal:embedded-redis}, run as a
 * child process, with a password ({@code requirepass}): the job queue and the gateway's API keys
 * live here, so an unauthenticated local process must not read or write them. With a data
 * directory it keeps an append-only file there; without, it is memory-only.
 */
public final class RedisServer implements InfraComponent {

  private final redis.embedded.RedisServer server;
  private final int port;
  private final String password;

  private RedisServer(redis.embedded.RedisServer server, int port, String password) {
    this.server = server;
    this.port = port;
    this.password = password;
  }

  /**
   * @param dataDirectory null for a memory-only server
   * @param password what clients must authenticate with (URL-safe characters only)
   */
  public static RedisServer start(int port, Path dataDirectory, String password) {
    var builder = redis.embedded.RedisServer.builder()
        .port(port)
        .bind(Ports.LOOPBACK)
        .setting("protected-mode yes")
        .setting("requirepass " + password)
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
    return new RedisServer(server, port, password);
  }

  @Override
  public String name() {
    return "redis";
  }

  /** Where it listens, without the password (for logs and the launcher's table). */
  @Override
  public String endpoint() {
    return "redis://" + Ports.LOOPBACK + ":" + port;
  }

  public int port() {
    return port;
  }

  public String password() {
    return password;
  }

  /** The URL clients connect with, password included: pass it by environment, never on a command line. */
  public String url() {
    return "redis://:" + password + "@" + Ports.LOOPBACK + ":" + port;
  }

  @Override
  public void close() {
    server.stop();
  }
}
