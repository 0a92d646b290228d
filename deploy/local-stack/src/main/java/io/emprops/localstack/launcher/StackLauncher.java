package io.emprops.localstack.launcher;

import io.emprops.localstack.infra.ChainServer;
import io.emprops.localstack.infra.ChildProcess;
import io.emprops.localstack.infra.Infrastructure;
import io.emprops.localstack.infra.Ports;
import io.emprops.localstack.infra.Secrets;
import io.emprops.localstack.infra.ServerJvm;
import io.emprops.localstack.infra.StackLayout;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;

/**
 * Runs the whole suite locally: embedded infrastructure (Postgres, Redis and anvil as child
 * processes, Kafka and the object store each in a JVM of its own, the token issuer in this one),
 * each application as its own JVM. Everything it starts it stops, children first, by PID, when it
 * receives SIGTERM or Ctrl-C.
 *
 * <p>It supervises what it started as separate processes (unless {@code --no-restart}): an
 * application instance, the development worker, Redis, Postgres, Kafka or the object store whose
 * process dies is started again at once with the same command, environment, port and data, as an
 * orchestrator restarts a crashed container
 * (five restarts of one component within five minutes and it gives up on it, reporting a crash
 * loop). The current PIDs are in {@code <data>/pids.properties}, rewritten on every (re)start.
 */
public final class StackLauncher {

  public static final String DEV_USER = "dev-user";
  /** How long an application may take to be ready; EMPROPS_READY_TIMEOUT (seconds) on a loaded machine. */
  static final Duration READY_TIMEOUT = Duration.ofSeconds(readyTimeoutSeconds());
  /**
   * With the OpenTelemetry agent ({@code --otel}): its start-up takes about two minutes per JVM
   * when all start at once on a loaded two-core machine, and it instruments every class as it
   * loads; the gateway went past 4 minutes there, generator-service once past 7.
   */
  static final Duration READY_TIMEOUT_OTEL = Duration.ofSeconds(Math.max(540, readyTimeoutSeconds()));

  private static long readyTimeoutSeconds() {
    String value = System.getenv("EMPROPS_READY_TIMEOUT");
    return value == null || value.isBlank() ? 240 : Long.parseLong(value.trim());
  }

  private final StackOptions options;
  private final StackLayout layout;
  private final List<AppProcess> apps = new ArrayList<>();
  /** How each application instance (by {@link AppProcess#name}) was started, to start it again the same way. */
  private final Map<String, Launch> launches = new java.util.concurrent.ConcurrentHashMap<>();
  private volatile ChildProcess devWorker;
  private List<String> devWorkerCommand;
  private Map<String, String> devWorkerEnvironment;
  /** Component → when the supervisor restarted it, for the crash-loop limit. */
  private final Map<String, java.util.Deque<Instant>> restarts = new java.util.concurrent.ConcurrentHashMap<>();
  private final java.util.Set<String> givenUp = java.util.concurrent.ConcurrentHashMap.newKeySet();
  static final int RESTART_LIMIT = 5;
  static final Duration RESTART_WINDOW = Duration.ofMinutes(5);

  private record Launch(List<String> jvmOptions, Map<String, String> environment) {}
  private final CountDownLatch stopped = new CountDownLatch(1);
  private volatile boolean stopping;
  private Infrastructure infrastructure;
  private FileLock dataLock;

  public StackLauncher(StackOptions options) {
    this.options = options;
    this.layout = options.layout();
  }

  /** @return the process exit code */
  public int run() {
    Instant start = Instant.now();
    Map<String, Integer> ports = new java.util.LinkedHashMap<>(layout.ports());
    for (App app : options.apps()) {
      for (int i = 2; i <= options.instancesOf(app); i++) {
        ports.put(AppProcess.name(app, i), layout.port(app.module(), i));
      }
    }
    List<String> busy = ports.entrySet().stream()
        .filter(e -> !Ports.isFree(e.getValue()))
        .map(e -> e.getKey() + " (port " + e.getValue() + ")")
        .toList();
    if (!busy.isEmpty()) {
      System.err.println("local-stack: port already in use: " + String.join(", ", busy)
          + ". Is a stack already running? Stop it, or choose other ports with --port-base N.");
      return 3;
    }
    if (options.devWorker() && !Files.isRegularFile(devWorkerJar())) {
      System.err.println("local-stack: " + devWorkerJar() + " is missing; build first (./run does).");
      return 4;
    }
    if (options.otel() && !Files.isRegularFile(OpenTelemetryAgent.jar(options.root()))) {
      System.err.println("local-stack: " + OpenTelemetryAgent.jar(options.root()) + " is missing; build first (./run does).");
      return 4;
    }
    for (App app : options.apps()) {
      if (!Files.isRegularFile(app.jar(options.root()))) {
        System.err.println("local-stack: " + app.jar(options.root()) + " is missing; build first (./run does).");
        return 4;
      }
    }
    if (!lockDataDirectory()) {
      System.err.println("local-stack: " + layout.dataDirectory()
          + " is in use by another local stack; use another --data-dir.");
      return 3;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(this::stopAll, "local-stack-shutdown"));
    stopOnSignals();
    try {
      if (options.fresh()) {
        say("Wiping " + layout.dataDirectory() + " (--fresh)");
        layout.wipeData();
      }
      infrastructure = new Infrastructure(layout, Secrets.loadOrCreate(layout.data("secrets.properties")));
      infrastructure.chainOptions(ChainServer.Options.blockTime(options.chainBlockTime()));
      infrastructure.synchronousCommit(options.synchronousCommit());
      infrastructure.ownJvms(ServerJvm.Launch.likeThisJvm(launcherJar(), "512m", options.root(), layout.logs()));
      say("Starting infrastructure (Postgres, Kafka, Redis, S3" + (options.chain() ? ", EVM chain" : "") + ") …");
      infrastructure.startAll(options.chain());
      if (options.chain() && infrastructure.chain().isEmpty()) {
        say("EVM chain unavailable: " + infrastructure.chainUnavailableReason()
            + ". Publishing runs disabled; everything else works.");
      }
      servers = supervisedServers();
      Duration infraTime = Duration.between(start, Instant.now());
      say("Infrastructure ready in " + seconds(infraTime) + ". Starting applications …");
      startApps();
      if (options.devWorker()) {
        startDevWorker();
      }
      writePids();
      Map<String, Duration> readyAfter = awaitApps();
      printSummary(readyAfter, Duration.between(start, Instant.now()));
    } catch (RuntimeException | Error e) {
      System.err.println("local-stack: start failed: " + describe(e));
      stopAll();
      return 1;
    }
    watchApps();
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return 0;
  }

  private void startApps() {
    Path envDir = layout.dataDirectory().resolve("env");
    for (App app : options.apps()) {
      Map<String, String> properties = AppProperties.forApp(app, infrastructure, options.instances());
      if (app == App.PUBLISHING && options.chain() && infrastructure.chain().isPresent()) {
        properties.putAll(AppProperties.localChainConfirmations(options.chainConfirmations()));
      }
      for (int instance = 1; instance <= options.instancesOf(app); instance++) {
        String name = AppProcess.name(app, instance);
        Map<String, String> env = AppProperties.toEnvironment(
            AppProperties.forInstance(properties, app, infrastructure, instance));
        List<String> jvmOptions = new ArrayList<>(options.jvmOptions(app));
        if (options.otel()) {
          env.putAll(OpenTelemetryAgent.environment(app.module(), options.otelEndpoint()));
          jvmOptions.addAll(OpenTelemetryAgent.jvmOptions(options.root()));
        }
        writeEnvFile(envDir.resolve(name + ".env"), env);
        launches.put(name, new Launch(List.copyOf(jvmOptions), Map.copyOf(env)));
        synchronized (apps) {
          apps.add(AppProcess.start(app, instance, layout.port(app.module(), instance), options.root(), layout.logs(),
              jvmOptions, env));
        }
      }
    }
    // A real EmProps job queue run against this stack (instead of, or with, the dev worker).
    writeEnvFile(envDir.resolve("job-queue.env"), AppProperties.jobQueueEnvironment(infrastructure));
    // Applications left out with --without still get an env file, to be run by hand.
    for (App app : App.values()) {
      if (!options.apps().contains(app)) {
        writeEnvFile(envDir.resolve(app.module() + ".env"),
            AppProperties.toEnvironment(AppProperties.forApp(app, infrastructure)));
      }
    }
  }

  /** The worker that serves queue service "mock" with deterministic PNGs, so generations work locally. */
  private void startDevWorker() {
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> command = new ArrayList<>(List.of(java, "-Xmx128m", "-XX:+UseSerialGC", "-Djava.awt.headless=true"));
    // The URL carries the Redis password: environment, not the command line (ps shows that).
    Map<String, String> env = new java.util.HashMap<>(Map.of("SPRING_DATA_REDIS_URL", infrastructure.redis().url()));
    if (options.otel()) {
      command.addAll(OpenTelemetryAgent.jvmOptions(options.root()));
      env.putAll(OpenTelemetryAgent.environment("dev-worker", options.otelEndpoint()));
      // Its own spans follow each step (StepTracing); a span per poll of the queue would be noise.
      env.put("OTEL_INSTRUMENTATION_LETTUCE_ENABLED", "false");
    }
    command.addAll(List.of("-jar", devWorkerJar().toString(), "--service", "mock"));
    devWorkerCommand = List.copyOf(command);
    devWorkerEnvironment = Map.copyOf(env);
    devWorker = ChildProcess.start("dev-worker", command, env, options.root(), layout.logs().resolve("dev-worker.log"));
  }

  private Path launcherJar() {
    return options.root().resolve("deploy/local-stack/target/local-stack-exec.jar");
  }

  private Path devWorkerJar() {
    return options.root().resolve("deploy/dev-worker/target/dev-worker.jar");
  }

  private Map<String, Duration> awaitApps() {
    // One waiting thread per application (the common pool has one thread on two cores: it probed
    // them one after the other, and each "ready after" was when the one before it was seen ready).
    var waiting = java.util.concurrent.Executors.newThreadPerTaskExecutor(
        Thread.ofPlatform().name("await-ready-", 0).factory());
    try {
      List<CompletableFuture<Map.Entry<String, Duration>>> waits = apps.stream()
          .map(a -> CompletableFuture.supplyAsync(() -> Map.entry(a.name(),
              a.awaitReady(options.otel() ? READY_TIMEOUT_OTEL : READY_TIMEOUT)), waiting))
          .toList();
      return waits.stream().map(CompletableFuture::join)
          .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
    } catch (java.util.concurrent.CompletionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : e;
    } finally {
      waiting.shutdownNow(); // after a failure, the other waits end at once
    }
  }

  private void printSummary(Map<String, Duration> readyAfter, Duration total) {
    StringBuilder table = new StringBuilder("\n  %-20s %-28s %-8s %s%n".formatted("component", "url", "pid", "ready after"));
    for (AppProcess a : apps) {
      table.append("  %-20s %-28s %-8d %s%n".formatted(a.name(), a.url(), a.process().pid(),
          seconds(readyAfter.get(a.name()))));
    }
    if (devWorker != null) {
      table.append("  %-20s %-28s %-8d%n".formatted("dev-worker", "queue service \"mock\"", devWorker.pid()));
    }
    table.append("  %-20s %s%n".formatted("postgres", infrastructure.postgres().endpoint()));
    table.append("  %-20s %s%n".formatted("kafka", infrastructure.kafka().bootstrapServers()));
    table.append("  %-20s %s%n".formatted("redis", infrastructure.redis().endpoint() + " (password in secrets.properties)"));
    table.append("  %-20s %s (bucket %s)%n".formatted("s3", infrastructure.objectStore().url(),
        infrastructure.objectStore().bucket()));
    if (options.chain()) {
      table.append("  %-20s %s%n".formatted("chain", infrastructure.chain()
          .map(c -> c.rpcUrl() + " (pid " + c.pid() + ")").orElse("disabled")));
    }
    table.append("  %-20s %s%n".formatted("dev issuer (JWKS)", infrastructure.issuer().jwksUrl()));
    System.out.println(table);
    String token = infrastructure.issuer().mint(DEV_USER, List.of("user", "admin"), Duration.ofHours(12));
    System.out.println("Logs:      " + layout.logs());
    if (options.otel()) {
      System.out.println("Traces:    OTLP/HTTP to " + options.otelEndpoint() + " (OpenTelemetry Java agent)");
    }
    System.out.println("Started in " + seconds(total) + "; launcher pid " + ProcessHandle.current().pid());
    System.out.println("Gateway:   http://" + Ports.LOOPBACK + ":" + layout.port("gateway"));
    System.out.println("Dev token: " + token);
    System.out.println("           (user " + DEV_USER + ", roles user,admin; `./run token USER ROLES` mints another)");
    System.out.println("Job queue: EMPROPS_API_KEY=" + AppProperties.jobQueueKey(infrastructure)
        + " (a real queue's call-backs; all it needs: " + layout.dataDirectory().resolve("env/job-queue.env") + ")");
    System.out.println("READY — Ctrl-C stops everything.");
    System.out.flush();
  }

  /**
   * Watches what this launcher started as separate processes; one that dies is restarted (or,
   * with {@code --no-restart}, reported once).
   */
  private void watchApps() {
    Thread watcher = new Thread(() -> {
      List<Object> reported = new ArrayList<>();
      while (!stopping) {
        List<AppProcess> current;
        synchronized (apps) {
          current = List.copyOf(apps);
        }
        for (AppProcess a : current) {
          if (!a.process().isAlive() && !stopping && !reported.contains(a)) {
            if (options.restart() && mayRestart(a.name())) {
              restartApp(a);
            } else {
              reported.add(a);
              System.err.println("local-stack: " + a.name() + " exited (code " + a.process().exitCode()
                  + "); see " + a.process().logFile());
            }
          }
        }
        ChildProcess worker = devWorker;
        if (worker != null && !worker.isAlive() && !stopping && !reported.contains(worker)) {
          if (options.restart() && mayRestart("dev-worker")) {
            restartDevWorker(worker);
          } else {
            reported.add(worker);
            System.err.println("local-stack: dev-worker exited (code " + worker.exitCode() + "); see " + worker.logFile());
          }
        }
        for (SupervisedServer server : servers) {
          if (options.restart() && !stopping && server.process().get().isEmpty()
              && !givenUp.contains(server.name()) && mayRestart(server.name())) {
            restartServer(server);
          }
        }
        try {
          Thread.sleep(250);
        } catch (InterruptedException e) {
          return;
        }
      }
    }, "local-stack-supervisor");
    watcher.setDaemon(true);
    watcher.start();
  }

  /** Whether {@code component} is still within its restart budget; records the restart. */
  private boolean mayRestart(String component) {
    if (givenUp.contains(component)) {
      return false;
    }
    java.util.Deque<Instant> times = restarts.computeIfAbsent(component, c -> new java.util.ArrayDeque<>());
    Instant now = Instant.now();
    while (!times.isEmpty() && times.peekFirst().isBefore(now.minus(RESTART_WINDOW))) {
      times.removeFirst();
    }
    if (times.size() >= RESTART_LIMIT) {
      givenUp.add(component);
      System.err.println("local-stack: " + component + " died " + RESTART_LIMIT + " times within "
          + RESTART_WINDOW.toMinutes() + " minutes; not restarting it again (crash loop)");
      return false;
    }
    times.addLast(now);
    return true;
  }

  private synchronized void restartApp(AppProcess dead) {
    if (stopping) {
      return;
    }
    Launch launch = launches.get(dead.name());
    AppProcess fresh = AppProcess.start(dead.app(), dead.instance(), dead.port(), options.root(), layout.logs(),
        launch.jvmOptions(), launch.environment());
    synchronized (apps) {
      apps.set(apps.indexOf(dead), fresh);
    }
    writePids();
    say(dead.name() + " (pid " + dead.process().pid() + ") exited with code " + dead.process().exitCode()
        + "; restarted as pid " + fresh.process().pid());
    Thread.ofVirtual().name("local-stack-ready-" + dead.name()).start(() -> {
      try {
        Duration after = fresh.awaitReady(READY_TIMEOUT);
        say(dead.name() + " (pid " + fresh.process().pid() + ") ready again after " + seconds(after));
      } catch (RuntimeException e) {
        if (!stopping && fresh.process().isAlive()) {
          System.err.println("local-stack: restarted " + dead.name() + " not ready: " + describe(e));
        }
      }
    });
  }

  private synchronized void restartDevWorker(ChildProcess dead) {
    if (stopping) {
      return;
    }
    devWorker = ChildProcess.start("dev-worker", devWorkerCommand, devWorkerEnvironment, options.root(),
        layout.logs().resolve("dev-worker.log"));
    writePids();
    say("dev-worker (pid " + dead.pid() + ") exited with code " + dead.exitCode() + "; restarted as pid "
        + devWorker.pid());
  }

  /**
   * A server of the infrastructure that runs as a process of its own: its process while it runs,
   * how it is started again, and on what (for the launcher's message).
   */
  /** The infrastructure's own processes, known once the infrastructure has started. */
  private volatile List<SupervisedServer> servers = List.of();

  private record SupervisedServer(String name, java.util.function.Supplier<java.util.Optional<ProcessHandle>> process,
      Runnable restart, String restartedOn) {}

  /**
   * Redis, Postgres, Kafka and the object store in their own JVMs, and the chain (anvil, restarted
   * from the state it saves every second).
   */
  private List<SupervisedServer> supervisedServers() {
    List<SupervisedServer> servers = new ArrayList<>(List.of(
        new SupervisedServer("redis", () -> infrastructure.redis().process(), () -> infrastructure.redis().restart(),
            "its append-only file"),
        new SupervisedServer("postgres", () -> infrastructure.postgres().process(),
            () -> infrastructure.postgres().restart(layout.logs().resolve("postgres.log")), "its data (crash recovery)")));
    infrastructure.kafka().ownJvm().ifPresent(jvm ->
        servers.add(new SupervisedServer("kafka", jvm::process, jvm::restart, "its log directory")));
    infrastructure.objectStore().ownJvm().ifPresent(jvm ->
        servers.add(new SupervisedServer("s3", jvm::process, jvm::restart, "its objects' folder")));
    if (options.chain()) {
      infrastructure.chain().ifPresent(chain -> servers.add(new SupervisedServer("chain", chain::process, chain::restart,
          "its chain as saved at most a second before")));
    }
    return servers;
  }

  private synchronized void restartServer(SupervisedServer server) {
    if (stopping) {
      return;
    }
    try {
      server.restart().run();
      writePids();
      say(server.name() + " died; restarted as pid " + server.process().get().map(ProcessHandle::pid).orElse(-1L)
          + " on " + server.restartedOn());
    } catch (RuntimeException e) {
      System.err.println("local-stack: cannot restart " + server.name() + ": " + describe(e));
    }
  }

  /**
   * {@code <data>/pids.properties}: the PID of every process of the stack (the launcher, each
   * application, the dev worker, Redis, the chain), written at start and after every restart, so
   * that tools can find them (and signal them) by PID.
   */
  private void writePids() {
    StringBuilder text = new StringBuilder("# PIDs of the running local stack (rewritten on every restart)\n");
    text.append("launcher=").append(ProcessHandle.current().pid()).append('\n');
    synchronized (apps) {
      for (AppProcess a : apps) {
        text.append(a.name()).append('=').append(a.process().pid()).append('\n');
      }
    }
    ChildProcess worker = devWorker;
    if (worker != null) {
      text.append("dev-worker=").append(worker.pid()).append('\n');
    }
    for (SupervisedServer server : servers) {
      server.process().get().ifPresent(p -> text.append(server.name()).append('=').append(p.pid()).append('\n'));
    }
    try {
      Path file = layout.dataDirectory().resolve("pids.properties");
      Path next = layout.dataDirectory().resolve("pids.properties.next");
      Files.writeString(next, text);
      Files.move(next, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
          java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      System.err.println("local-stack: cannot write pids.properties: " + e.getMessage());
    }
  }

  /**
   * SIGTERM and Ctrl-C stop the stack before the JVM's shutdown begins. Shutdown hooks all run at
   * once, and embedded Redis installs one of its own: it stopped Redis while the applications were
   * still stopping against it (the generator then spent 18 s reconnecting). The hook above remains
   * for every other way this JVM ends.
   */
  private void stopOnSignals() {
    for (String name : List.of("TERM", "INT")) {
      try {
        sun.misc.Signal.handle(new sun.misc.Signal(name),
            signal -> Thread.ofPlatform().name("local-stack-stop").start(this::stopAll));
      } catch (IllegalArgumentException e) {
        // The JVM keeps this signal for itself (-Xrs and the like): the shutdown hook stops everything.
      }
    }
  }

  private synchronized void stopAll() {
    if (stopped.getCount() == 0) {
      return;
    }
    stopping = true;
    List<AppProcess> running;
    synchronized (apps) {
      running = List.copyOf(apps);
    }
    // All at once, each on a thread of its own (the common pool runs one task at a time on two
    // cores: the applications stopped one after the other, 43 s in all).
    List<Thread> stops = new ArrayList<>();
    ChildProcess worker = devWorker;
    if (worker != null) {
      stops.add(Thread.ofPlatform().name("stop-dev-worker").start(() -> worker.stop(Duration.ofSeconds(10))));
    }
    if (!running.isEmpty()) {
      say("Stopping applications …");
      running.forEach(a -> stops.add(Thread.ofPlatform().name("stop-" + a.name())
          .start(() -> a.process().stop(Duration.ofSeconds(25)))));
    }
    for (Thread stop : stops) {
      try {
        stop.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (infrastructure != null) {
      say("Stopping infrastructure …");
      infrastructure.close();
    }
    try {
      Files.deleteIfExists(layout.dataDirectory().resolve("pids.properties"));
    } catch (IOException ignored) {
      // a stale file names PIDs that no longer run
    }
    releaseDataLock();
    stopped.countDown();
    say("Stopped.");
  }

  private boolean lockDataDirectory() {
    try {
      Files.createDirectories(layout.dataDirectory());
      FileChannel channel = FileChannel.open(layout.dataDirectory().resolve("stack.lock"),
          StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      dataLock = channel.tryLock();
      return dataLock != null;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void releaseDataLock() {
    try {
      if (dataLock != null) {
        dataLock.release();
        dataLock.channel().close();
      }
    } catch (IOException ignored) {
      // the lock goes with the process anyway
    }
  }

  private static void writeEnvFile(Path file, Map<String, String> env) {
    try {
      Files.createDirectories(file.getParent());
      String content = env.entrySet().stream()
          .map(e -> e.getKey() + "='" + e.getValue().replace("'", "'\\''") + "'")
          .collect(Collectors.joining("\n", "# Environment of this application in the local stack\n", "\n"));
      Files.writeString(file, content);
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The message of a failure and of each of its causes, without a stack trace. */
  private static String describe(Throwable e) {
    StringBuilder out = new StringBuilder();
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (!out.isEmpty()) {
        out.append("\n  caused by: ");
      }
      out.append(t.getMessage() == null ? t.getClass().getName() : t.getMessage());
    }
    return out.toString();
  }

  private static String seconds(Duration d) {
    return d == null ? "-" : String.format("%.1f s", d.toMillis() / 1000.0);
  }

  private static void say(String message) {
    System.out.println("local-stack: " + message);
    System.out.flush();
  }
}
