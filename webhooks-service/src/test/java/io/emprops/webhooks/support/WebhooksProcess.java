package io.emprops.webhooks.support;

import io.emprops.localstack.infra.Infrastructure;
import io.emprops.localstack.infra.Ports;
import io.emprops.localstack.launcher.App;
import io.emprops.localstack.launcher.AppProperties;
import io.emprops.localstack.testing.SharedInfrastructure;
import io.emprops.webhooks.WebhooksApplication;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The webhooks service as its own JVM (from the test classpath), configured as the launcher
 * configures it, on a schema, event namespace and consumer group of its own: a second process on
 * the same name is a restart of the first. {@link #kill} is {@code kill -9}.
 */
public final class WebhooksProcess implements AutoCloseable {

  private final Process process;
  private final int port;
  private final Path log;

  private WebhooksProcess(Process process, int port, Path log) {
    this.process = process;
    this.port = port;
    this.log = log;
  }

  /** Properties every process of {@code name} runs with (infrastructure, schema, namespace). */
  public static Map<String, String> properties(String name) {
    Infrastructure infra = SharedInfrastructure.get();
    String schema = name.replace('-', '_');
    Map<String, String> p = new LinkedHashMap<>(AppProperties.forApp(App.WEBHOOKS, infra));
    p.putAll(AppProperties.database(infra, schema));
    p.put("emprops.service.schema", schema);
    p.put("emprops.events.namespace", name.replace("-", ""));
    p.put("spring.application.name", name);
    return p;
  }

  /** The service from the test classpath (a test's JVM). */
  public static WebhooksProcess start(String name, Map<String, String> overrides, List<String> jvmOptions) {
    return start(name, overrides, jvmOptions,
        List.of("-cp", System.getProperty("java.class.path"), WebhooksApplication.class.getName()));
  }

  /** The packaged service ({@code java -jar}), as it runs in the stack: for benchmarks run by {@code exec:java}. */
  public static WebhooksProcess startJar(Path jar, String name, Map<String, String> overrides, List<String> jvmOptions) {
    return start(name, overrides, jvmOptions, List.of("-jar", jar.toString()));
  }

  private static WebhooksProcess start(String name, Map<String, String> overrides, List<String> jvmOptions,
      List<String> launch) {
    Map<String, String> properties = properties(name);
    properties.putAll(overrides);
    int port = Ports.free();
    properties.put("server.port", Integer.toString(port));
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    command.addAll(jvmOptions);
    command.addAll(launch);
    properties.forEach((k, v) -> command.add("--" + k + "=" + v));
    try {
      Path log = Files.createTempFile(name + "-", ".log");
      Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
      WebhooksProcess started = new WebhooksProcess(process, port, log);
      started.awaitReady(Duration.ofMinutes(2));
      return started;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public String baseUrl() {
    return "http://127.0.0.1:" + port;
  }

  public long pid() {
    return process.pid();
  }

  private void awaitReady(Duration timeout) {
    HttpClient http = HttpClient.newHttpClient();
    Instant deadline = Instant.now().plus(timeout);
    while (Instant.now().isBefore(deadline)) {
      if (!process.isAlive()) {
        throw new IllegalStateException("webhooks process exited; log " + log);
      }
      try {
        if (http.send(HttpRequest.newBuilder(URI.create(baseUrl() + "/actuator/health/readiness")).build(),
            HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    throw new IllegalStateException("webhooks process not ready in " + timeout + "; log " + log);
  }

  /**
   * {@code kill -STOP}: the process is frozen as it is (warm JIT, connections open, consumer in its
   * group) until {@link #resume}; a pause shorter than the Kafka session timeout (45 s) keeps its
   * partitions. POSIX only.
   */
  public void suspend() {
    signal("STOP");
  }

  /** {@code kill -CONT}: a suspended process carries on where it was. */
  public void resume() {
    signal("CONT");
  }

  private void signal(String name) {
    try {
      Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start();
      if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
        throw new IllegalStateException("kill -" + name + " " + process.pid() + " failed");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** {@code kill -9}: no shutdown, nothing flushed. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      process.destroy();
      if (!process.waitFor(40, TimeUnit.SECONDS)) {
        kill();
      }
    }
  }
}
