package io.emprops.localstack.launcher;

import io.emprops.localstack.infra.StackLayout;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Command-line options of {@code local-stack up} (also what `./run` passes through). */
public record StackOptions(
    Path root, Path dataDirectory, int portBase, Map<String, Integer> portOverrides,
    boolean fresh, boolean chain, boolean devWorker, Set<App> apps, List<String> jvmOverride,
    java.time.Duration chainBlockTime, int chainConfirmations, String otelEndpoint, boolean restart, int instances,
    boolean synchronousCommit) {

  /** The most instances of each service {@code --instances} starts (each is a JVM of ~300 MB). */
  public static final int MAX_INSTANCES = 4;

  public static final String USAGE = """
      usage: ./run [up] [options]
        --fresh              wipe .local/ data (databases, topics, objects, chain) before starting
        --no-chain           do not start the local EVM chain (publishing runs disabled)
        --no-worker          do not start the development worker (queue service "mock")
        --no-restart         do not restart an application, the dev worker, Redis, Postgres, Kafka or
                             the S3 store whose process dies (default: restarted at once, as before;
                             pids in DATA/pids.properties)
        --chain-block-time S mine a block every S seconds (default: a block per transaction)
        --chain-confirmations N  blocks a local transaction waits before publishing counts it
                             (default 1; anvil saves its chain every second, so with a block time
                             make it deeper than a second of blocks, which a killed anvil may lose)
        --without APP[,APP]  do not start these applications (to run one yourself, see README)
        --instances N        run N instances of every service behind the gateway, which balances
                             across them (default 1; instance k listens on its port + 100·(k-1))
        --synchronous-commit Postgres commits wait for their WAL flush, as in production (default
                             off locally: faster, and a killed Postgres may lose its last commits)
        --port-base N        lay all ports out from N (default 8080, or EMPROPS_PORT_BASE; table in README)
        --port NAME=N        override one port (names: gateway, collections-service, …, postgres, kafka)
        --data-dir DIR       where data, logs and secrets live (default .local, or EMPROPS_DATA_DIR)
        --jvm-opts "OPTS"    JVM options for every application (default: small heaps; services
                             compile with C1 only for a fast start, the gateway gets the full JIT)
        --otel               attach the OpenTelemetry Java agent to every application and the dev
                             worker; traces go as OTLP/HTTP to http://127.0.0.1:4318 (a collector or Jaeger)
        --otel-endpoint URL  the same, exporting to URL (other OTEL_* variables of this
                             environment reach every agent, e.g. OTEL_BSP_SCHEDULE_DELAY=200)
      """;

  static final List<String> DEFAULT_JVM_OPTIONS = List.of(
      "-Xms64m", "-Xmx320m", "-XX:MaxMetaspaceSize=192m", "-Xss512k", "-XX:+UseSerialGC",
      "-XX:+ExitOnOutOfMemoryError");
  /** C1 only: services start in about half the CPU time, at the cost of peak throughput. */
  static final String FAST_START = "-XX:TieredStopAtLevel=1";

  /**
   * The JVM options of one application: {@code --jvm-opts} when given, else the defaults. Every
   * request crosses the gateway, so it keeps the optimizing compiler; the services start fast.
   */
  public List<String> jvmOptions(App app) {
    if (jvmOverride != null) {
      return jvmOverride;
    }
    List<String> options = new ArrayList<>(DEFAULT_JVM_OPTIONS);
    if (app != App.GATEWAY) {
      options.add(FAST_START);
    }
    return options;
  }

  public static StackOptions parse(List<String> args) {
    Path root = Path.of("").toAbsolutePath();
    Path data = dataDirectoryFromEnvironment();
    int base = envInt("EMPROPS_PORT_BASE", StackLayout.DEFAULT_PORT_BASE);
    Map<String, Integer> overrides = new HashMap<>();
    boolean fresh = false;
    boolean chain = true;
    boolean devWorker = true;
    Set<App> apps = EnumSet.allOf(App.class);
    List<String> jvm = null;
    java.time.Duration blockTime = null;
    int confirmations = 1;
    String otel = null;
    boolean restart = true;
    int instances = 1;
    boolean synchronousCommit = false;
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      switch (arg) {
        case "--fresh" -> fresh = true;
        case "--no-chain" -> chain = false;
        case "--no-worker" -> devWorker = false;
        case "--no-restart" -> restart = false;
        case "--synchronous-commit" -> synchronousCommit = true;
        case "--root" -> root = Path.of(value(args, ++i, arg)).toAbsolutePath();
        case "--data-dir" -> data = Path.of(value(args, ++i, arg)).toAbsolutePath();
        case "--port-base" -> base = parseInt(value(args, ++i, arg), arg);
        case "--port" -> {
          String[] kv = value(args, ++i, arg).split("=", 2);
          if (kv.length != 2 || !StackLayout.PORT_OFFSETS.containsKey(kv[0])) {
            throw new IllegalArgumentException("--port takes NAME=N with NAME one of "
                + StackLayout.PORT_OFFSETS.keySet());
          }
          overrides.put(kv[0], parseInt(kv[1], arg));
        }
        case "--without" -> {
          for (String name : value(args, ++i, arg).split(",")) {
            apps.remove(App.byName(name.trim()).orElseThrow(
                () -> new IllegalArgumentException("no application named " + name)));
          }
        }
        case "--chain-block-time" -> {
          blockTime = java.time.Duration.ofMillis(Math.round(Double.parseDouble(value(args, ++i, arg)) * 1000));
          if (blockTime.isNegative() || blockTime.isZero()) {
            throw new IllegalArgumentException("--chain-block-time takes a positive number of seconds");
          }
        }
        case "--chain-confirmations" -> {
          confirmations = parseInt(value(args, ++i, arg), arg);
          if (confirmations < 1) {
            throw new IllegalArgumentException("--chain-confirmations takes 1 or more");
          }
        }
        case "--instances" -> {
          instances = parseInt(value(args, ++i, arg), arg);
          if (instances < 1 || instances > MAX_INSTANCES) {
            throw new IllegalArgumentException("--instances takes 1 to " + MAX_INSTANCES);
          }
        }
        case "--jvm-opts" -> jvm = List.of(value(args, ++i, arg).trim().split("\\s+"));
        case "--otel" -> otel = otel == null ? OpenTelemetryAgent.DEFAULT_ENDPOINT : otel;
        case "--otel-endpoint" -> otel = value(args, ++i, arg);
        default -> throw new IllegalArgumentException("unknown option " + arg);
      }
    }
    if (base < 1024 || base + StackLayout.PORT_BLOCK > 65_535) {
      throw new IllegalArgumentException("--port-base must leave room for "
          + StackLayout.PORT_BLOCK + " ports between 1024 and 65535");
    }
    return new StackOptions(root, data == null ? root.resolve(".local") : data, base,
        Map.copyOf(overrides), fresh, chain, devWorker, apps, jvm == null ? null : List.copyOf(jvm), blockTime, confirmations, otel, restart, instances, synchronousCommit);
  }

  /** How many instances of {@code app} run: the gateway one, every service {@link #instances()}. */
  public int instancesOf(App app) {
    return app == App.GATEWAY ? 1 : instances;
  }

  /** Whether the OpenTelemetry Java agent is attached ({@code --otel}). */
  public boolean otel() {
    return otelEndpoint != null;
  }

  public StackLayout layout() {
    return StackLayout.fromBase(portBase, portOverrides, dataDirectory,
        StackLayout.defaultCacheDirectory(), true, fresh);
  }

  private static String value(List<String> args, int i, String option) {
    if (i >= args.size()) {
      throw new IllegalArgumentException(option + " needs a value");
    }
    return args.get(i);
  }

  private static int parseInt(String s, String option) {
    try {
      return Integer.parseInt(s);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(option + ": not a number: " + s);
    }
  }

  /** {@code EMPROPS_DATA_DIR}, the environment's default for {@code --data-dir} (null: none). */
  public static Path dataDirectoryFromEnvironment() {
    String value = System.getenv("EMPROPS_DATA_DIR");
    return value == null || value.isBlank() ? null : Path.of(value).toAbsolutePath();
  }

  private static int envInt(String name, int fallback) {
    String value = System.getenv(name);
    return value == null || value.isBlank() ? fallback : parseInt(value, name);
  }
}
