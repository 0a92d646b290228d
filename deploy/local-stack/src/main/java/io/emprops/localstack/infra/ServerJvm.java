package io.emprops.localstack.infra;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A server of the stack that otherwise runs inside the launcher's JVM (Kafka, the object store),
 * run in a JVM of its own ({@code java -jar local-stack-exec.jar serve NAME …}) so that it can be
 * killed and restarted alone, as a broker or a storage node fails in production.
 */
public final class ServerJvm implements AutoCloseable {

  /**
   * How to start one: the {@code java} command and options up to (and including) the launcher's
   * jar, where to run and where the logs go.
   */
  public record Launch(List<String> javaJar, Path workingDirectory, Path logs) {

    /** This JVM's java, its own options (e.g. Unsafe access for Kafka), {@code heap}, and {@code jar}. */
    public static Launch likeThisJvm(Path jar, String heap, Path workingDirectory, Path logs) {
      List<String> command = new ArrayList<>();
      command.add(ProcessHandle.current().info().command().orElse("java"));
      java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
          .filter(option -> !option.startsWith("-Xmx") && !option.startsWith("-agentlib")
              && !option.startsWith("-javaagent"))
          .forEach(command::add);
      command.addAll(List.of("-Xmx" + heap, "-XX:+UseSerialGC", "-jar", jar.toString()));
      return new Launch(List.copyOf(command), workingDirectory, logs);
    }
  }

  /** Blocks until the server answers; throws when it does not in time. */
  @FunctionalInterface
  public interface Readiness {
    void await() throws Exception;
  }

  private final String name;
  private final List<String> command;
  private final Map<String, String> environment;
  private final Launch launch;
  private final Readiness readiness;
  private volatile ChildProcess process;

  private ServerJvm(String name, List<String> command, Map<String, String> environment, Launch launch,
      Readiness readiness) {
    this.name = name;
    this.command = command;
    this.environment = environment;
    this.launch = launch;
    this.readiness = readiness;
  }

  /**
   * Starts {@code serve name args…} and returns once {@code readiness} passes.
   *
   * @param environment what must not be on a command line (secrets)
   */
  public static ServerJvm start(Launch launch, String name, List<String> args, Map<String, String> environment,
      Readiness readiness) {
    List<String> command = new ArrayList<>(launch.javaJar());
    command.add("serve");
    command.add(name);
    command.addAll(args);
    ServerJvm server = new ServerJvm(name, List.copyOf(command), Map.copyOf(environment), launch, readiness);
    server.launch();
    return server;
  }

  private void launch() {
    ChildProcess started = ChildProcess.start(name, command, environment, launch.workingDirectory(),
        launch.logs().resolve(name + ".log"));
    process = started;
    try {
      readiness.await();
    } catch (Exception e) {
      String tail = started.logTail(30);
      started.stop(Duration.ofSeconds(5));
      throw new IllegalStateException(name + " did not start (" + e.getMessage() + "); last log lines:\n" + tail, e);
    }
  }

  /** Its process while it runs. */
  public Optional<ProcessHandle> process() {
    ChildProcess current = process;
    return current != null && current.isAlive() ? ProcessHandle.of(current.pid()) : Optional.empty();
  }

  /** Starts it again the same way after its process died (the launcher's supervisor). */
  public synchronized void restart() {
    launch();
  }

  @Override
  public void close() {
    ChildProcess current = process;
    if (current != null) {
      current.stop(Duration.ofSeconds(20));
    }
  }
}
