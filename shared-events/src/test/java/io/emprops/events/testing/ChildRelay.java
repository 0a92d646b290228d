package io.emprops.events.testing;

import static org.awaitility.Awaitility.await;

import io.emprops.events.relay.RelayState;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A {@link RelayProcess} started from the test JVM's classpath, and its last reported state. */
public final class ChildRelay implements AutoCloseable {

  private final Process process;
  private final String name;
  private volatile RelayState state = RelayState.STOPPED;

  private ChildRelay(Process process, String name) {
    this.process = process;
    this.name = name;
    Thread.ofPlatform().name(name + "-output").daemon(true).start(this::readOutput);
  }

  /** Arguments as {@link RelayProcess#main} takes them. */
  public static ChildRelay start(String name, String... relayArguments) {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
        "-cp", System.getProperty("java.class.path"),
        RelayProcess.class.getName()));
    command.addAll(List.of(relayArguments));
    try {
      return new ChildRelay(new ProcessBuilder(command).redirectErrorStream(true).start(), name);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + name, e);
    }
  }

  public RelayState state() {
    return state;
  }

  public void awaitState(RelayState expected, Duration within) {
    await().atMost(within).until(() -> state == expected || !process.isAlive());
    if (state != expected) {
      throw new IllegalStateException(name + " exited before reaching " + expected);
    }
  }

  /** {@code kill -9}: no shutdown hook, no clean engine stop, sockets closed by the kernel. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  /** SIGTERM: the relay's shutdown hook stops the engine cleanly. */
  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      process.destroy();
      if (!process.waitFor(45, TimeUnit.SECONDS)) {
        kill();
      }
    }
  }

  private void readOutput() {
    try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = lines.readLine()) != null) {
        if (line.startsWith(RelayProcess.STATE_LINE)) {
          state = RelayState.valueOf(line.substring(RelayProcess.STATE_LINE.length()).trim());
        }
        System.out.println("[" + name + "] " + line);
      }
    } catch (IOException e) {
      // The process is gone.
    }
  }
}
