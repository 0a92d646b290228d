package io.emprops.e2e;

import io.emprops.localstack.infra.Ports;
import io.emprops.localstack.infra.StackLayout;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The whole suite started exactly as the README's first command starts it — a bare {@code ./run}
 * from the repository root, no argument — on its own port block and data folder (given through
 * the environment, {@code EMPROPS_PORT_BASE} and {@code EMPROPS_DATA_DIR}), so it never collides
 * with a stack already running.
 */
final class RunningStack implements AutoCloseable {

  static final Duration START_TIMEOUT = Duration.ofMinutes(5);
  private static final Pattern GATEWAY = Pattern.compile("^Gateway:\\s+(\\S+)", Pattern.MULTILINE);
  private static final Pattern TOKEN = Pattern.compile("^Dev token:\\s+(\\S+)", Pattern.MULTILINE);

  final Path root;
  final Path dataDirectory;
  final int portBase;
  final Process launcher;
  final Path output;
  final String gatewayUrl;
  final String devToken;
  /** From starting {@code ./run} to its READY (null for an attached stack). */
  Duration startedIn;

  private RunningStack(Path root, Path dataDirectory, int portBase, Process launcher, Path output,
      String gatewayUrl, String devToken) {
    this.root = root;
    this.dataDirectory = dataDirectory;
    this.portBase = portBase;
    this.launcher = launcher;
    this.output = output;
    this.gatewayUrl = gatewayUrl;
    this.devToken = devToken;
  }

  static RunningStack start() throws IOException, InterruptedException {
    return start(Files.createTempDirectory("emprops-e2e-"), Ports.freeBlock(31_000, StackLayout.PORT_BLOCK));
  }

  /**
   * Starts on {@code data} (a restart when it holds an earlier stack's data).
   *
   * @param options more options of {@code ./run up} ({@code --chain-block-time 1}, …)
   */
  static RunningStack start(Path data, int base, String... options) throws IOException, InterruptedException {
    return start(START_TIMEOUT, Map.of(), data, base, options);
  }

  /**
   * A stack for a tool run by hand ({@code ./run chaos}, {@code ./run bench overload}): its data
   * in {@code target/<name>-<time>} — not under /tmp/emprops-*, where .ci/run's safety net stops
   * (SIGTERM) every Postgres whose pid file is newer than its own start, a CI run's or not, as it
   * once stopped a chaos run's — on a port block below the ephemeral range (32768-60999, where a
   * client socket could take one of its ports meanwhile), with a loaded machine's start budget.
   */
  static RunningStack startForTool(String name) throws IOException, InterruptedException {
    return startForTool(name, Map.of());
  }

  /** The same, with more environment for {@code ./run} (which its applications inherit) and its options. */
  static RunningStack startForTool(String name, Map<String, String> environment, String... options)
      throws IOException, InterruptedException {
    Path data = Files.createDirectories(repositoryRoot().resolve("target")
        .resolve(name + "-" + java.time.LocalDateTime.now().toString().replace(':', '-')));
    System.out.println("Starting the stack (" + data + ") …");
    Map<String, String> env = new java.util.HashMap<>(environment);
    env.put("EMPROPS_READY_TIMEOUT", "600");
    RunningStack stack = start(Duration.ofMinutes(12), env, data, Ports.freeBlock(29_500, StackLayout.PORT_BLOCK),
        options);
    System.out.println("Stack ready: gateway " + stack.gatewayUrl + ", launcher output " + stack.output);
    return stack;
  }

  /** The same, waiting up to {@code timeout} for READY (a loaded machine starts slowly). */
  static RunningStack start(Path data, int base, Duration timeout, String... options)
      throws IOException, InterruptedException {
    return start(timeout, Map.of(), data, base, options);
  }

  /**
   * Starts on {@code data} with more environment for {@code ./run} (e.g. {@code OTEL_*} settings
   * the launcher passes to the OpenTelemetry agents) and its own start budget. A stack not ready
   * in time fails with the launcher's output and the tail of every application's log.
   */
  static RunningStack start(Duration timeout, Map<String, String> environment, Path data, int base,
      String... options) throws IOException, InterruptedException {
    Path root = repositoryRoot();
    Path output = Files.createTempFile("emprops-e2e-", ".out");
    // No argument unless a caller needs an option: the README's first command is a bare ./run.
    // EMPROPS_NO_BUILD: these tests run inside the build that has just packaged every jar.
    Map<String, String> env = new java.util.HashMap<>(environment);
    env.putAll(Map.of("EMPROPS_NO_BUILD", "1",
        "EMPROPS_PORT_BASE", Integer.toString(base), "EMPROPS_DATA_DIR", data.toString()));
    long started = System.nanoTime();
    Process launcher = run(root, output, env, options);
    String text;
    try {
      // Ready when the launcher prints READY; a launcher that exits first fails at once.
      text = org.awaitility.Awaitility.await("./run up prints READY").atMost(timeout)
          .pollInterval(java.time.Duration.ofMillis(250))
          .until(() -> {
            String seen = read(output);
            if (!seen.contains("READY") && !launcher.isAlive()) {
              throw new IllegalStateException("./run up exited with " + launcher.exitValue() + ":\n" + seen
                  + logTails(data, 40));
            }
            return seen;
          }, seen -> seen.contains("READY"));
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      String logs = logTails(data, 40);
      launcher.destroy();
      throw new IllegalStateException("./run up not ready within " + timeout + ":\n" + read(output) + logs, e);
    }
    RunningStack stack = new RunningStack(root, data, base, launcher, output,
        find(GATEWAY, text).orElseThrow(), find(TOKEN, text).orElseThrow());
    stack.startedIn = Duration.ofNanos(System.nanoTime() - started);
    return stack;
  }

  /** The last {@code lines} lines of every log under {@code data}/logs, each under its file's name. */
  static String logTails(Path data, int lines) {
    Path logs = data.resolve("logs");
    if (!Files.isDirectory(logs)) {
      return "";
    }
    StringBuilder tails = new StringBuilder();
    try (var files = Files.list(logs)) {
      for (Path log : files.sorted().toList()) {
        List<String> all = read(log).lines().toList();
        tails.append("\n--- ").append(log.getFileName()).append(" (last ").append(lines).append(" lines) ---\n");
        all.subList(Math.max(0, all.size() - lines), all.size()).forEach(l -> tails.append(l).append('\n'));
      }
    } catch (IOException | UncheckedIOException e) {
      tails.append("\n(logs unreadable: ").append(e).append(")\n");
    }
    return tails.toString();
  }

  /**
   * A stack someone already started ({@code EMPROPS_PORT_BASE=B EMPROPS_DATA_DIR=D ./run}), for
   * running a test class against it while working on it; {@link #close()} leaves it running.
   */
  static RunningStack attach(Path data, int base) throws IOException {
    Path root = repositoryRoot();
    return new RunningStack(root, data, base, null, Files.createTempFile("emprops-e2e-", ".out"),
        "http://127.0.0.1:" + (base + StackLayout.PORT_OFFSETS.get("gateway")), null);
  }

  /** Runs {@code ./run ARGS} from the repository root, output (both streams) to a file. */
  static Process run(Path root, Path output, String... args) throws IOException {
    return run(root, output, Map.of(), args);
  }

  /** Runs {@code ./run ARGS} with these environment variables added. */
  static Process run(Path root, Path output, Map<String, String> environment, String... args)
      throws IOException {
    List<String> command = new java.util.ArrayList<>(List.of("bash", root.resolve("run").toString()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).directory(root.toFile())
        .redirectErrorStream(true).redirectOutput(output.toFile());
    builder.environment().putAll(environment);
    return builder.start();
  }

  /** Runs {@code ./run ARGS} to completion and returns its output; fails on a non-zero exit. */
  static String runToCompletion(Path root, Duration timeout, String... args) throws IOException, InterruptedException {
    Path output = Files.createTempFile("emprops-run-", ".out");
    Process process = run(root, output, args);
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      process.destroyForcibly();
      throw new IllegalStateException("./run " + String.join(" ", args) + " did not finish in " + timeout);
    }
    String text = read(output);
    if (process.exitValue() != 0) {
      throw new IllegalStateException("./run " + String.join(" ", args) + " exited " + process.exitValue() + ":\n" + text);
    }
    return text;
  }

  String log() {
    return read(output);
  }

  /** The port of a component by its launcher name; {@code generator-service-2} is instance 2 ({@code --instances}). */
  int port(String name) {
    Integer offset = StackLayout.PORT_OFFSETS.get(name);
    if (offset != null) {
      return portBase + offset;
    }
    int dash = name.lastIndexOf('-');
    return portBase + StackLayout.PORT_OFFSETS.get(name.substring(0, dash))
        + StackLayout.INSTANCE_PORT_STEP * (Integer.parseInt(name.substring(dash + 1)) - 1);
  }

  /** The local stack's CDN: the bucket, whose public-read objects anyone can read. */
  String cdnBaseUrl() {
    return "http://127.0.0.1:" + port("s3") + "/" + io.emprops.localstack.infra.Infrastructure.BUCKET;
  }

  /** The postmaster's PID: Postgres daemonizes, so it is not among the launcher's descendants. */
  Optional<Long> postgresPid() throws IOException {
    Path pidFile = dataDirectory.resolve("postgres").resolve("postmaster.pid");
    return Files.exists(pidFile)
        ? Optional.of(Long.parseLong(Files.readAllLines(pidFile).getFirst().trim()))
        : Optional.empty();
  }

  @Override
  public void close() {
    if (launcher != null && launcher.isAlive()) {
      launcher.destroy();
      try {
        if (!launcher.waitFor(90, TimeUnit.SECONDS)) {
          launcher.destroyForcibly();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  static Path repositoryRoot() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.isRegularFile(dir.resolve("run"))) {
      dir = dir.getParent();
    }
    if (dir == null) {
      throw new IllegalStateException("cannot find the repository root (the folder with ./run)");
    }
    return dir;
  }

  private static Optional<String> find(Pattern pattern, String text) {
    Matcher m = pattern.matcher(text);
    return m.find() ? Optional.of(m.group(1)) : Optional.empty();
  }

  static String read(Path file) {
    try {
      return Files.exists(file) ? Files.readString(file) : "";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
