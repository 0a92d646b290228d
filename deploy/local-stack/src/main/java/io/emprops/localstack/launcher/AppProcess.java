package io.emprops.localstack.launcher;

import io.emprops.localstack.infra.ChildProcess;
import io.emprops.localstack.infra.Ports;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** One application of the suite running as its own JVM, as in production. */
final class AppProcess {

  private static final HttpClient HTTP = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(1)).build();

  private final App app;
  private final int instance;
  private final int port;
  private final ChildProcess process;
  private final Instant startedAt;

  private AppProcess(App app, int instance, int port, ChildProcess process) {
    this.app = app;
    this.instance = instance;
    this.port = port;
    this.process = process;
    this.startedAt = Instant.now();
  }

  /**
   * @param instance which instance of {@code app} this is, from 1 ({@code ./run --instances N})
   */
  static AppProcess start(App app, int instance, int port, Path root, Path logs, List<String> jvmOptions,
      Map<String, String> environment) {
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> command = new ArrayList<>();
    command.add(java);
    command.addAll(jvmOptions);
    command.add("-jar");
    command.add(app.jar(root).toString());
    String name = name(app, instance);
    return new AppProcess(app, instance, port,
        ChildProcess.start(name, command, environment, root, logs.resolve(name + ".log")));
  }

  /** How an instance is known in logs, {@code pids.properties} and messages: the module, then {@code module-2}, … */
  static String name(App app, int instance) {
    return instance == 1 ? app.module() : app.module() + "-" + instance;
  }

  App app() {
    return app;
  }

  int instance() {
    return instance;
  }

  String name() {
    return name(app, instance);
  }

  int port() {
    return port;
  }

  ChildProcess process() {
    return process;
  }

  String url() {
    return "http://" + Ports.LOOPBACK + ":" + port;
  }

  /** Waits until its readiness probe answers 200; fails early if the process dies. */
  Duration awaitReady(Duration timeout) {
    Instant deadline = Instant.now().plus(timeout);
    HttpRequest probe = HttpRequest.newBuilder(URI.create(url() + "/actuator/health/readiness"))
        .timeout(Duration.ofSeconds(2)).GET().build();
    while (Instant.now().isBefore(deadline)) {
      if (!process.isAlive()) {
        throw new IllegalStateException(name() + " exited during start-up; last log lines:\n"
            + process.logTail(30));
      }
      try {
        if (HTTP.send(probe, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          return Duration.between(startedAt, Instant.now());
        }
      } catch (IOException e) {
        // not listening yet
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted", e);
      }
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted", e);
      }
    }
    throw new IllegalStateException(name() + " not ready within " + timeout
        + "; last log lines:\n" + process.logTail(30));
  }
}
