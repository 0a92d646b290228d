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

  private volatile redis.embedded.RedisServer server;
  private volatile ProcessHandle knownProcess;
  private final java.util.function.Supplier<redis.embedded.RedisServer> factory;
  private final int port;
  private final String password;

  private RedisServer(java.util.function.Supplier<redis.embedded.RedisServer> factory, int port, String password) {
    this.factory = factory;
    this.port = port;
    this.password = password;
  }

  /**
   * A started server from {@link #factory}. embedded-redis writes the redis-server binary and execs
   * it at once; a process this JVM forks meanwhile (the launcher starts Kafka, S3 and the chain in
   * parallel) inherits the binary's open write handle until it execs in turn, and the exec then
   * fails with "Text file busy" (ETXTBSY). That is a moment's race: it is tried again.
   */
  private redis.embedded.RedisServer startServer() {
    for (int attempt = 1; ; attempt++) {
      redis.embedded.RedisServer fresh = factory.get();
      try {
        fresh.start();
        return fresh;
      } catch (RuntimeException e) {
        if (attempt >= 5 || !textFileBusy(e)) {
          throw e;
        }
        try {
          Thread.sleep(100L * attempt);
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          throw e;
        }
      }
    }
  }

  private static boolean textFileBusy(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t.getMessage() != null && t.getMessage().contains("Text file busy")) {
        return true;
      }
    }
    return false;
  }

  /**
   * @param dataDirectory null for a memory-only server
   * @param password what clients must authenticate with (URL-safe characters only)
   */
  public static RedisServer start(int port, Path dataDirectory, String password) {
    if (dataDirectory != null) {
      try {
        Files.createDirectories(dataDirectory);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    RedisServer redis = new RedisServer(() -> build(port, dataDirectory, password), port, password);
    redis.server = redis.startServer();
    Ports.awaitListening("redis", port, Duration.ofSeconds(20));
    return redis;
  }

  /** A new embedded server each time: a builder writes its configuration file once and refuses a second build. */
  private static redis.embedded.RedisServer build(int port, Path dataDirectory, String password) {
    var builder = redis.embedded.RedisServer.builder()
        .port(port)
        .bind(Ports.LOOPBACK)
        .setting("protected-mode yes")
        .setting("requirepass " + password)
        .setting("save \"\"");
    if (dataDirectory == null) {
      builder.setting("appendonly no");
    } else {
      builder.setting("dir " + dataDirectory.toAbsolutePath())
          .setting("appendonly yes")
          .setting("appendfsync everysec");
    }
    return builder.build();
  }

  /**
   * The redis-server process this JVM started, if it runs (embedded-redis does not expose its
   * process: it is the one child of this JVM running a {@code redis-server} binary).
   */
  public java.util.Optional<ProcessHandle> process() {
    // The supervisor asks four times a second: the children's command lines are read (from /proc)
    // only when the process found last time is gone.
    ProcessHandle known = knownProcess;
    if (known != null && known.isAlive()) {
      return java.util.Optional.of(known);
    }
    java.util.Optional<ProcessHandle> found = ProcessHandle.current().children()
        .filter(p -> p.info().command().map(c -> c.contains("redis-server")).orElse(false))
        .filter(ProcessHandle::isAlive)
        .findFirst();
    knownProcess = found.orElse(null);
    return found;
  }

  /**
   * Starts the server again with the same settings after its process died (the launcher's
   * supervisor): same port, password and append-only file, so what was synced survives.
   */
  public synchronized void restart() {
    try {
      server.stop();
    } catch (RuntimeException ignored) {
      // its process is gone already
    }
    server = startServer();
    Ports.awaitListening("redis", port, Duration.ofSeconds(20));
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
