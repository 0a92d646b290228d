package io.emprops.generator.bench;

import io.emprops.events.contract.CollectionCreated;
import io.emprops.events.contract.CollectionSnapshot;
import io.emprops.events.contract.CollectionStatus;
import io.emprops.events.contract.Topic;
import io.emprops.events.testing.EventDelivery;
import io.emprops.generator.api.CreditsServiceStandIn;
import io.emprops.generator.queue.JobQueueClient;
import io.emprops.generator.queue.StepSubmission;
import io.emprops.generator.queue.WorkerSimulator;
import io.emprops.jobqueue.QueueKeys;
import io.emprops.localstack.infra.Infrastructure;
import io.emprops.localstack.infra.Ports;
import io.emprops.localstack.launcher.App;
import io.emprops.localstack.launcher.AppProperties;
import io.emprops.localstack.testing.SharedInfrastructure;
import io.emprops.web.testing.GatewayCalls;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Measures the generator as a separate process (its packaged jar) on the embedded infrastructure
 * and prints one table:
 * <ul>
 *   <li>steps written into the job queue per second: the queue client alone (baseline) and the
 *       engine (jobs accepted over HTTP, credits reserved over Kafka, every step dispatched);
 *   <li>relay latency from a simulated worker's {@code PUBLISH} of a progress message to its
 *       receipt by SSE clients (p50, p99) with 1, 100 and 1,000 clients on the job;
 *   <li>idle SSE streams held by the instance and the heap they cost at 1,000 and 10,000;
 *   <li>the bridge's overhead over the job queue's own path, and how fresh reported progress is
 *       on the stream ({@link BridgeOverhead}).
 * </ul>
 * Progress throttling is off for the latency phase (every message is an event), so the figures
 * are the relay's own.
 *
 * <pre>./run bench generator [submit] [relay] [idle] [bridge] [bridge-decision] [collgen]</pre>  (the first four by default)
 */
public final class GeneratorBenchmark {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final String USER = "bench-user";
  private static final int RAW_SECONDS = 5;
  private static final int ENGINE_JOBS = 10;
  private static final int ENGINE_GENERATIONS = 100;
  private static final int PROGRESS_MESSAGES = 300;
  private static final int WARM_UP_MESSAGES = 50;
  private static final int PROGRESS_PER_SECOND = 10;
  private static final int BRIDGE_WARM_UP = 150;
  private static final int BRIDGE_SAMPLES = 50;
  private static final int PROGRESS_JOBS = 8;
  /** The bridge worker's images: 512×512 of noise, about 770 KB, like an SD 1.5 output. */
  private static final int IMAGE_SIDE = 512;
  private static final int COLLGEN_WARM_UP = 20;
  private static final int COLLGEN_SAMPLES = 50;

  private final Infrastructure infra = SharedInfrastructure.get();
  private final List<String[]> rows = new ArrayList<>();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  private Process app;
  private final Map<App, String> appUrls = new java.util.EnumMap<>(App.class);
  private String baseUrl;
  private GatewayCalls calls;
  private RedisClient redisClient;
  private StatefulRedisConnection<String, String> redis;
  private CreditsServiceStandIn credits;
  private EventDelivery collections;

  public static void main(String[] args) throws Exception {
    GeneratorBenchmark bench = new GeneratorBenchmark();
    try {
      List<String> phases = args.length == 0 ? List.of("submit", "relay", "idle", "bridge") : List.of(args);
      // The relay phase measures the relay itself: every progress message is an event.
      bench.startGenerator(Map.of("emprops.generator.execution.progress-interval", "0ms"));
      bench.idleCpu();
      if (phases.contains("submit")) {
        bench.submissionRate();
      }
      if (phases.contains("relay")) {
        // The JIT compiles the relay path during a first, unreported pass.
        int reported = bench.rows.size();
        bench.relayLatency(10);
        bench.rows.subList(reported, bench.rows.size()).clear();
        for (int clients : relayLevels()) {
          bench.relayLatency(clients);
        }
        for (int clients : relayLevels()) {
          if (clients > 1) {
            bench.bareFanOut(clients);
          }
        }
      }
      if (phases.contains("idle")) {
        bench.idleStreams(List.of(1_000, 5_000, 10_000));
      }
      if (phases.contains("bridge")) {
        bench.bridgeOverhead(true);
      }
      if (phases.contains("bridge-decision")) {
        // The same with every request waiting for the credit decision (the path before issue 13's
        // start on the credit standing), for a before/after in one run.
        bench.bridgeOverhead(false);
      }
      if (phases.contains("collgen")) {
        bench.collectionGenerate();
      }
    } finally {
      bench.print();
      bench.stop();
    }
  }

  /**
   * {@code count} progress messages at {@link #PROGRESS_PER_SECOND}; measured ones (no
   * {@code label}) say what {@link ReceiptRecorder#text} makes of their number.
   */
  private static void sendProgress(WorkerSimulator worker, String step, int count, String label) throws Exception {
    paced(count, m -> worker.progress(step, Math.min(99, m), label != null ? label : ReceiptRecorder.text(m)));
  }

  /** One message being sent. */
  private interface Send {
    void message(int number) throws Exception;
  }

  /** Calls {@code send} for 1 to {@code count} at {@link #PROGRESS_PER_SECOND}. */
  private static void paced(int count, Send send) throws Exception {
    long intervalNanos = 1_000_000_000L / PROGRESS_PER_SECOND;
    long next = System.nanoTime();
    for (int m = 1; m <= count; m++) {
      // Parked, not spinning: a spinning sender would take one of the cores the relay needs.
      long wait = next - System.nanoTime();
      if (wait > 0) {
        LockSupport.parkNanos(wait);
      }
      send.message(m);
      next += intervalNanos;
    }
  }

  /** BENCH_RELAY_CLIENTS (comma-separated) picks the client counts of the relay phase: 1, 100 and 1,000 by default. */
  private static List<Integer> relayLevels() {
    String levels = System.getenv("BENCH_RELAY_CLIENTS");
    return levels == null || levels.isBlank() ? List.of(1, 100, 1000)
        : Stream.of(levels.split(",")).map(String::trim).map(Integer::valueOf).toList();
  }

  // --- phases --------------------------------------------------------------------------------

  private void submissionRate() throws Exception {
    JobQueueClient client = new JobQueueClient(redis, JSON, Clock.systemUTC());
    AtomicLong submitted = new AtomicLong();
    Instant end = Instant.now().plusSeconds(RAW_SECONDS);
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      threads.add(Thread.ofPlatform().start(() -> {
        while (Instant.now().isBefore(end)) {
          client.submit(new StepSubmission(UUID.randomUUID().toString(), "bench-raw", 50, "{\"prompt\":\"x\"}", USER,
              Instant.now(), 3, UUID.randomUUID().toString(), 50, System.currentTimeMillis(), 1, 1, null, null, null,
              null, null));
          submitted.incrementAndGet();
        }
      }));
    }
    for (Thread t : threads) {
      t.join();
    }
    double raw = submitted.get() / (double) RAW_SECONDS;

    String service = "bench-engine";
    UUID collection = collection(service, ENGINE_GENERATIONS);
    long before = redis.sync().zcard(QueueKeys.PENDING);
    long target = before + (long) ENGINE_JOBS * ENGINE_GENERATIONS;
    Instant start = Instant.now();
    for (int j = 0; j < ENGINE_JOBS; j++) {
      Thread.ofVirtual().start(() -> generate(collection));
    }
    Instant first = null;
    long pending;
    while ((pending = redis.sync().zcard(QueueKeys.PENDING)) < target) {
      if (first == null && pending > before) {
        first = Instant.now();
      }
      if (Duration.between(start, Instant.now()).toSeconds() > 120) {
        throw new IllegalStateException("the engine did not submit " + (target - before) + " steps in 120 s");
      }
      Thread.sleep(2);
    }
    Instant last = Instant.now();
    double engine = (target - before) / (Duration.between(start, last).toNanos() / 1e9);
    double dispatch = (target - before) / (Duration.between(first == null ? start : first, last).toNanos() / 1e9);
    rows.add(new String[] {"steps into the queue /s", "queue client alone (4 threads)", String.format("%.0f", raw)});
    rows.add(new String[] {"steps into the queue /s",
        "engine: " + ENGINE_JOBS + " jobs x " + ENGINE_GENERATIONS + " steps, POSTs to last ZADD (credit saga included)",
        String.format("%.0f (%.2f of baseline)", engine, engine / raw)});
    rows.add(new String[] {"steps into the queue /s", "engine: first ZADD to last ZADD (dispatch alone)",
        String.format("%.0f (%.2f of baseline)", dispatch, dispatch / raw)});
  }

  /** What the generator costs doing nothing (after its start, before any phase). */
  private void idleCpu() throws Exception {
    Thread.sleep(5_000);
    rows.add(new String[] {"idle generator", "no streams, no jobs running, 10 s",
        String.format("%.1f %% of one core", idleCpuPercent(Duration.ofSeconds(10)))});
  }

  private void relayLatency(int clients) throws Exception {
    String service = "bench-relay-" + clients;
    String jobId = generate(collection(service, 1));
    ReceiptRecorder receipts = new ReceiptRecorder(clients, PROGRESS_MESSAGES);
    CountDownLatch connected = new CountDownLatch(clients);
    SseLoadClient sse = new SseLoadClient(URI.create(baseUrl), 2);
    for (int c = 0; c < clients; c++) {
      sse.open(streamRequest(jobId), connected::countDown, receipts);
    }
    if (!connected.await(120, TimeUnit.SECONDS)) {
      throw new IllegalStateException("only " + (clients - connected.getCount()) + " of " + clients + " streams opened");
    }
    try (WorkerSimulator worker = new WorkerSimulator(redisClient, "bench-worker-" + clients, service)) {
      worker.heartbeat();
      String step = null;
      for (int i = 0; i < 200 && step == null; i++) {
        step = worker.claim().orElse(null);
        Thread.sleep(20);
      }
      if (step == null) {
        throw new IllegalStateException("no step to claim for " + service);
      }
      worker.start(step);
      // At this level's scale, unreported: the first messages to 1,000 streams run colder code
      // (and a younger heap) than the steady state this phase measures.
      sendProgress(worker, step, WARM_UP_MESSAGES, "warm-up");
      Thread.sleep(500);
      receipts.start();
      Map<String, Double> serverBefore = serverTimers();
      long generatorTicks = cpuTicks(app.pid());
      long ownTicks = cpuTicks(ProcessHandle.current().pid());
      long sendingFrom = System.nanoTime();
      sendProgress(worker, step, PROGRESS_MESSAGES, null);
      long expected = (long) clients * PROGRESS_MESSAGES;
      receipts.awaitAll(expected, Duration.ofSeconds(30));
      double elapsedCentis = (System.nanoTime() - sendingFrom) / 1e7;
      double generatorCpu = (cpuTicks(app.pid()) - generatorTicks) / elapsedCentis * 100;
      double ownCpu = (cpuTicks(ProcessHandle.current().pid()) - ownTicks) / elapsedCentis * 100;
      worker.complete(step, JSON.createObjectNode().put("image_url", "https://bench.test/x.png"));
      receipts.stop();
      rows.add(new String[] {"relay PUBLISH -> SSE client",
          clients + " client(s), " + PROGRESS_MESSAGES + " messages at " + PROGRESS_PER_SECOND + "/s after "
              + WARM_UP_MESSAGES + " unreported", receipts.summary(expected)});
      rows.add(new String[] {"", "  last client of each message", receipts.lastClientSummary()});
      receipts.writeCsv(repositoryRoot().resolve("generator-service/target/bench-relay-" + clients + ".csv"));
      rows.add(new String[] {"", "  of which, in the generator (means)", serverSide(serverBefore, serverTimers())});
      rows.add(new String[] {"", "  CPU while sending (one core = 100 %)", String.format(
          "generator %.0f %%, benchmark JVM (SSE clients, worker, Kafka) %.0f %%", generatorCpu, ownCpu)});
    }
    sse.close();
  }

  /**
   * The relay phase's baseline, in the same run: its clients fed by {@link BareSseServer} (no
   * HTTP server, database, Redis or generator), one writer thread per core, at the same rate.
   */
  private void bareFanOut(int clients) throws Exception {
    ReceiptRecorder receipts = new ReceiptRecorder(clients, PROGRESS_MESSAGES);
    CountDownLatch connected = new CountDownLatch(clients);
    try (BareSseServer server = new BareSseServer(Runtime.getRuntime().availableProcessors());
        SseLoadClient sse = new SseLoadClient(server.uri(), 2)) {
      for (int c = 0; c < clients; c++) {
        sse.open(streamRequest("bare"), connected::countDown, receipts);
      }
      if (!connected.await(120, TimeUnit.SECONDS)) {
        throw new IllegalStateException("only " + (clients - connected.getCount()) + " of " + clients + " opened");
      }
      // About the size of the generator's progress frames.
      Send frame = m -> server.send(("id:" + m + "\nevent:node_progress\ndata:{\"step_id\":1,\"generation\":0,"
          + "\"progress\":99,\"message\":\"" + (receipts.measuring() ? ReceiptRecorder.text(m) : "warm-up")
          + "\",\"job_progress\":99,\"padding\":\"" + "x".repeat(40) + "\"}\n\n").getBytes(StandardCharsets.UTF_8));
      paced(WARM_UP_MESSAGES, frame);
      receipts.start();
      paced(PROGRESS_MESSAGES, frame);
      receipts.awaitAll((long) clients * PROGRESS_MESSAGES, Duration.ofSeconds(30));
      receipts.stop();
    }
    rows.add(new String[] {"baseline: bare sockets -> same clients",
        clients + " client(s), " + PROGRESS_MESSAGES + " messages at " + PROGRESS_PER_SECOND + "/s, "
            + Runtime.getRuntime().availableProcessors() + " writer threads", receipts.summary((long) clients * PROGRESS_MESSAGES)});
    rows.add(new String[] {"", "  last client of each message", receipts.lastClientSummary()});
  }

  private void idleStreams(List<Integer> levels) throws Exception {
    String service = "bench-idle";
    List<String> jobs = new ArrayList<>();
    UUID collection = collection(service, 1);
    for (int j = 0; j < 50; j++) {
      jobs.add(generate(collection));
    }
    long baseline = heapAfterGc();
    SseLoadClient sse = new SseLoadClient(URI.create(baseUrl), 2);
    int open = 0;
    for (int level : levels) {
      Instant opening = Instant.now();
      CountDownLatch connected = new CountDownLatch(level - open);
      for (; open < level; open++) {
        String jobId = jobs.get(open % jobs.size());
        sse.open(streamRequest(jobId), connected::countDown, (line, length, receivedNanos) -> { });
      }
      if (!connected.await(300, TimeUnit.SECONDS)) {
        rows.add(new String[] {"idle SSE streams", level + " streams",
            "only " + (level - connected.getCount()) + " opened within 300 s"});
        break;
      }
      long heap = heapAfterGc();
      histogram(level);
      rows.add(new String[] {"idle SSE streams", level + " streams held (opened in " + seconds(opening) + " s)",
          String.format("heap %.0f MB after GC (+%.0f MB, %.1f KB per stream); process resident %.0f MB", heap / 1e6,
              (heap - baseline) / 1e6, (heap - baseline) / 1024.0 / level, residentBytes() / 1e6)});
    }
    sse.close();
  }

  /**
   * Bridge overhead (issue 13): our API's POST → {@code job_completed} against the bare queue
   * client's submit → {@code complete_job}, same worker, alternating; with the real credits-service
   * deciding and the real storage-service storing each output (both sagas are on that path), and
   * the generator restarted with its production settings (progress throttled at 250 ms). Then the freshness of reported progress on the SSE stream.
   *
   * @param onStanding whether jobs start on the owner's credit standing (the default), or every
   *     request waits for the credit decision
   */
  private void bridgeOverhead(boolean onStanding) throws Exception {
    stopGenerator();
    // Earlier phases left steps nobody serves in jobs:pending; every claim scans the set (as the
    // queue's own findMatchingJob does), so they would slow both paths and Redis for everyone.
    redis.sync().del(QueueKeys.PENDING);
    startGenerator(Map.of("emprops.generator.start-on-credit-standing", String.valueOf(onStanding)));
    Process creditsService = startApp(App.CREDITS, Map.of());
    ImageHost images = new ImageHost(IMAGE_SIDE);
    // The real storage-service stores every output before its job completes (the stored-outputs saga).
    Process storageService = startApp(App.STORAGE, Map.of("emprops.storage.outputs.allowed-hosts", "127.0.0.1",
        "emprops.storage.outputs.allow-private-addresses", "true"));
    try {
      String user = "bench-bridge-user-" + (onStanding ? "standing" : "decision");
      // The real credits-service decides for this user, the stand-in never does.
      credits.silent.add(user);
      GatewayCalls creditsCalls = new GatewayCalls(appUrls.get(App.CREDITS), AppProperties.internalSecret(infra));
      HttpResponse<String> granted = creditsCalls.post("/credits/grants", GatewayCalls.user("bench-admin", "admin"),
          "{\"user_id\": \"" + user + "\", \"amount\": 100000, \"reason\": \"bench\"}");
      if (granted.statusCode() != 201) {
        throw new IllegalStateException("grant: " + granted.body());
      }
      String service = "bench-bridge";
      UUID quick = collection(user, service, 1, BridgeOverhead.QUICK);
      UUID slow = collection(user, service, 1, BridgeOverhead.SLOW);
      JobQueueClient queue = BridgeOverhead.queueClient(redis);
      List<Long> bridged = new ArrayList<>();
      List<Long> bare = new ArrayList<>();
      List<Long> accepted = new ArrayList<>();
      List<Long> completionToStream = new ArrayList<>();
      Map<String, List<Long>> phases = new LinkedHashMap<>();
      try (BridgeOverhead bridge = new BridgeOverhead(redisClient, service, images)) {
        Map<String, Double> serverBefore = Map.of();
        CpuShares cpu = null;
        for (int i = 0; i < BRIDGE_WARM_UP + BRIDGE_SAMPLES; i++) {
          if (i == BRIDGE_WARM_UP) {
            serverBefore = serverTimers();
            cpu = new CpuShares(Map.of("generator", app.pid(), "credits-service", creditsService.pid(),
                "storage-service", storageService.pid(), "this bench (Kafka, S3, worker, clients)",
                ProcessHandle.current().pid()));
          }
          BridgeOverhead.Generation generation = bridge.generate(calls, user, quick, jobId -> streamRequest(user, jobId));
          long direct = bridge.bareStep(queue, user);
          if (i >= BRIDGE_WARM_UP) {
            bridged.add(generation.completedNanos());
            accepted.add(generation.acceptedNanos());
            bare.add(direct);
            completionToStream.add(bridge.completionToStream(generation));
            BridgeOverhead.phases(calls, user, generation)
                .forEach((phase, nanos) -> phases.computeIfAbsent(phase, k -> new ArrayList<>()).add(nanos));
          }
        }
        String serverSide = serverSide(serverBefore, serverTimers());
        String cpuShares = cpu.toString();
        double overhead = (BridgeOverhead.median(bridged) - BridgeOverhead.median(bare)) / 1e6;
        List<Long> beforeStorage = phases.getOrDefault(BridgeOverhead.POST_TO_STEP_COMPLETED, List.of());
        rows.add(new String[] {"bridge overhead" + (onStanding ? "" : ", waiting for credits"),
            "our API: POST -> SSE job_completed (credit saga on credits-service,"
            + String.format(" a %d KB PNG stored by storage-service)", images.size() / 1024), BridgeOverhead.summary(bridged)});
        long started = phases.getOrDefault(BridgeOverhead.STANDING_RESERVED, List.of()).size();
        rows.add(new String[] {"", String.format("  of which POST -> 202 (%d of %d started on the credit standing)",
            started, accepted.size()), BridgeOverhead.summary(accepted)});
        rows.add(new String[] {"", "bare queue client: submit -> complete_job (same worker, alternating)",
            BridgeOverhead.summary(bare)});
        rows.add(new String[] {"", "difference of the p50s", String.format("%.1f ms", overhead)});
        rows.add(new String[] {"", "difference of the p50s without storing the output (POST -> step completed)",
            String.format("%.1f ms", (BridgeOverhead.median(beforeStorage) - BridgeOverhead.median(bare)) / 1e6)});
        rows.add(new String[] {"", "worker complete_job PUBLISH -> SSE job_completed", BridgeOverhead.summary(completionToStream)});
        rows.add(new String[] {"", "generator, during the counted pairs", serverSide});
        rows.add(new String[] {"", "CPU during the counted pairs", cpuShares});
        phases.forEach((phase, nanos) -> rows.add(new String[] {"", "  history: " + phase, BridgeOverhead.summary(nanos)}));
        if (!onStanding) {
          return;
        }
        List<Long> staleness = new ArrayList<>();
        for (int i = 0; i < PROGRESS_JOBS; i++) {
          staleness.addAll(bridge.staleness(bridge.generate(calls, user, slow, jobId -> streamRequest(user, jobId))));
        }
        long beyond = staleness.stream().filter(n -> n > 250_000_000L).count();
        rows.add(new String[] {"progress freshness", PROGRESS_JOBS + " steps of ~0.8 s with bursts, throttle 250 ms: "
            + "report -> its value (or a later one) on the stream", BridgeOverhead.summary(staleness)
            + String.format("; %d of %d beyond one interval", beyond, staleness.size())});
      }
    } finally {
      stop(storageService);
      images.close();
      stop(creditsService);
    }
  }

  /**
   * {@code POST /api/collections/generate} → its 201 (issue 18), with the real collections-service
   * beside the generator (a saga step now: it creates the collection from the generator's event;
   * before, the generator called its create endpoint over HTTP first) and credits decided by the
   * stand-in within the request's wait. Not among the default phases: {@code ./run bench generator collgen}.
   */
  private void collectionGenerate() throws Exception {
    Process collectionsService = startApp(App.COLLECTIONS, Map.of());
    try {
      stopGenerator();
      // Ignored by a generator that no longer calls collections-service.
      startGenerator(Map.of("emprops.generator.collections.url", appUrls.get(App.COLLECTIONS)));
      String service = "bench-collgen";
      HttpResponse<String> workflow = calls.post("/workflows", GatewayCalls.user("bench-admin", "admin"), """
          {"name": "wf-collgen-%s", "type": "direct_job", "service_required": "%s", "credits_cost": 1,
           "data": {"template": {"prompt": "{{prompt}}"}, "fields": [{"name": "prompt", "type": "text", "required": true}]}}"""
          .formatted(UUID.randomUUID().toString().substring(0, 8), service));
      if (workflow.statusCode() != 201) {
        throw new IllegalStateException("workflow: " + workflow.body());
      }
      String body = """
          {"title": "bench", "workflow_id": "%s", "variables": {"prompt": "an owl"}, "generations": 1,
           "metadata": {"editions": 10, "price": 0.01, "blockchain": "BASE"}}"""
          .formatted(JSON.readTree(workflow.body()).get("data").get("id").asString());
      List<Long> answered = new ArrayList<>();
      int notQueued = 0;
      for (int i = 0; i < COLLGEN_WARM_UP + COLLGEN_SAMPLES; i++) {
        long start = System.nanoTime();
        HttpResponse<String> created = calls.post("/api/collections/generate", GatewayCalls.user(USER), body);
        long took = System.nanoTime() - start;
        if (created.statusCode() != 201) {
          throw new IllegalStateException("POST /api/collections/generate: " + created.body());
        }
        if (i >= COLLGEN_WARM_UP) {
          answered.add(took);
          if (!"queued".equals(JSON.readTree(created.body()).get("data").get("status").asString())) {
            notQueued++;
          }
        }
      }
      rows.add(new String[] {"collection generate", "POST /api/collections/generate -> 201 (real collections-service,"
          + " credits by the stand-in; " + COLLGEN_WARM_UP + " warm-up)", BridgeOverhead.summary(answered)
          + String.format("; p95 %.1f ms; %d not yet queued", BridgeOverhead.percentile(
              answered.stream().mapToLong(Long::longValue).sorted().toArray(), 0.95) / 1e6, notQueued)});
    } finally {
      stop(collectionsService);
    }
  }

  // --- plumbing ------------------------------------------------------------------------------

  /** Starts the generator (its jar, as its own process) with {@code overrides}; the stand-ins once. */
  private void startGenerator(Map<String, String> overrides) throws Exception {
    app = startApp(App.GENERATOR, overrides);
    baseUrl = appUrls.get(App.GENERATOR);
    calls = new GatewayCalls(baseUrl, AppProperties.internalSecret(infra));
    if (redisClient == null) {
      redisClient = RedisClient.create(infra.redis().url());
      redis = redisClient.connect();
      credits = new CreditsServiceStandIn();
      credits.budgets.put(USER, Long.MAX_VALUE / 2);
      collections = new EventDelivery(Topic.DEFAULT_NAMESPACE);
    }
  }

  private void stopGenerator() throws InterruptedException {
    stop(app);
    app = null;
  }

  /**
   * Starts {@code application}'s packaged jar as the launcher configures it, on a free port, and
   * waits until it is ready. The generator runs with the JVM options of a latency-sensitive service.
   */
  private Process startApp(App application, Map<String, String> overrides) throws Exception {
    Path root = repositoryRoot();
    Path jar = application.jar(root);
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(jar + " is missing; ./run bench generator builds it");
    }
    int port = Ports.free();
    Map<String, String> properties = new LinkedHashMap<>(AppProperties.forApp(application, infra));
    properties.put("server.port", Integer.toString(port));
    if (application == App.GENERATOR) {
      properties.put("emprops.generator.seed-examples", "false");
    }
    properties.putAll(overrides);
    List<String> command = new ArrayList<>(List.of(
        ProcessHandle.current().info().command().orElse("java"), "-Xmx1g", "-XX:+UseG1GC",
        // The pause goal a latency-sensitive service is deployed with: G1's default of 200 ms
        // let young pauses reach 20-34 ms with 1,000 streams open (measured), straight into p99.
        "-XX:MaxGCPauseMillis=10"));
    // BENCH_GENERATOR_JAVA_OPTIONS: more JVM options for the generator, e.g. a flight recording
    // (-XX:StartFlightRecording=settings=profile,filename=/tmp/generator.jfr) to see where time goes.
    String extra = System.getenv("BENCH_GENERATOR_JAVA_OPTIONS");
    if (application == App.GENERATOR && extra != null && !extra.isBlank()) {
      command.addAll(List.of(extra.trim().split("\\s+")));
    }
    command.addAll(List.of("-jar", jar.toString()));
    properties.forEach((key, value) -> command.add("--" + key + "=" + value));
    Path log = root.resolve("generator-service/target/bench-" + application.shortName() + ".log");
    Process process = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    String url = "http://127.0.0.1:" + port;
    appUrls.put(application, url);
    Instant deadline = Instant.now().plusSeconds(120);
    while (true) {
      try {
        if (http.send(HttpRequest.newBuilder(URI.create(url + "/actuator/health/readiness")).build(),
            HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          return process;
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      if (!process.isAlive() || Instant.now().isAfter(deadline)) {
        process.destroyForcibly();
        throw new IllegalStateException(application.module() + " did not start; see " + log);
      }
      Thread.sleep(250);
    }
  }

  private static void stop(Process process) throws InterruptedException {
    if (process != null) {
      process.destroy();
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    }
  }

  /** A workflow on {@code service} and a collection of {@code USER} running it, known to the generator. */
  private UUID collection(String service, int generations) throws InterruptedException {
    return collection(USER, service, generations, "bench");
  }

  /** A collection of {@code user} whose one step runs on {@code service} with {@code prompt}. */
  private UUID collection(String user, String service, int generations, String prompt) throws InterruptedException {
    String workflow = "wf-" + service;
    HttpResponse<String> created = calls.post("/workflows", GatewayCalls.user("bench-admin", "admin"), """
        {"name": "%s", "type": "direct_job", "service_required": "%s", "credits_cost": 1,
         "data": {"template": {"prompt": "{{prompt}}"}, "fields": [{"name": "prompt", "type": "text", "required": true}]}}"""
        .formatted(workflow, service));
    if (created.statusCode() != 201 && created.statusCode() != 409) {
      throw new IllegalStateException("workflow: " + created.body());
    }
    UUID id = UUID.randomUUID();
    JsonNode data = JSON.readTree("""
        {"version": "v2", "steps": [{"id": 1, "nodeName": "%s", "nodePayload": {"prompt": "%s"}}],
         "generations": {"generations": %d, "hashes": [], "use_custom_hashes": false}, "variables": []}"""
        .formatted(workflow, prompt, generations));
    collections.send(new CollectionCreated(new CollectionSnapshot(id, UUID.randomUUID(), user, 1, "bench", "",
        CollectionStatus.DRAFT, false, data, null, null, null, null, null, false, null, false, false, false,
        Instant.now(), Instant.now())));
    for (int i = 0; i < 400; i++) {
      if (known(user, id)) {
        return id;
      }
      Thread.sleep(50);
    }
    throw new IllegalStateException("the generator never learned of collection " + id);
  }

  /** Whether the read model has the collection: a generation request with an unknown variable is a 400, not a 404. */
  private boolean known(String user, UUID collection) {
    return calls.post("/collections/" + collection + "/generations", GatewayCalls.user(user),
        "{\"variables\": {\"no_such_variable\": 1}}").statusCode() == 400;
  }

  /** Starts a generation (credits reserve it within the request's wait). */
  private String generate(UUID collection) {
    HttpResponse<String> response = calls.post("/collections/" + collection + "/generations", GatewayCalls.user(USER), "{}");
    if (response.statusCode() != 202) {
      throw new IllegalStateException("generation: " + response.body());
    }
    return JSON.readTree(response.body()).get("data").get("job_id").asString();
  }

  /** The request for a job's SSE stream, as the gateway would forward it. */
  private HttpRequest streamRequest(String jobId) {
    return streamRequest(USER, jobId);
  }

  private HttpRequest streamRequest(String user, String jobId) {
    return calls.request("GET", "/jobs/" + jobId + "/events", GatewayCalls.user(user),
        HttpRequest.BodyPublishers.noBody()).header("Accept", "text/event-stream").build();
  }

  /** The generator's heap in use after a full collection (jcmd GC.run, then its Prometheus gauge). */
  private long heapAfterGc() throws Exception {
    Path jcmd = Path.of(ProcessHandle.current().info().command().orElse("java")).resolveSibling("jcmd");
    new ProcessBuilder(jcmd.toString(), Long.toString(app.pid()), "GC.run").redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor();
    Thread.sleep(1000);
    String metrics = prometheus();
    return (long) metrics.lines()
        .filter(l -> l.startsWith("jvm_memory_used_bytes{") && l.contains("area=\"heap\""))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
  }

  private String prometheus() throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(baseUrl + "/actuator/prometheus")).build(),
        HttpResponse.BodyHandlers.ofString()).body();
  }

  private static final Pattern TYPE_TAG = Pattern.compile("type=\"(\\w+)\"");

  /** The generator's own timers on the relay path, as Prometheus sums and counts (per message type where tagged). */
  private Map<String, Double> serverTimers() throws Exception {
    Map<String, Double> values = new LinkedHashMap<>();
    prometheus().lines()
        .filter(l -> l.startsWith("generator_queue_message") || l.startsWith("generator_job_events_relay_latency_seconds"))
        .filter(l -> l.contains("_sum") || l.contains("_count"))
        .forEach(l -> {
          Matcher type = TYPE_TAG.matcher(l);
          String name = l.substring(0, l.indexOf(l.contains("{") ? '{' : ' '));
          values.merge(type.find() ? name + ":" + type.group(1) : name,
              Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)), Double::sum);
        });
    return values;
  }

  /**
   * Mean time per queue message type, handled and waiting in its lane, and from commit to the
   * relay's receipt, between two scrapes.
   */
  private static String serverSide(Map<String, Double> before, Map<String, Double> after) {
    StringBuilder side = new StringBuilder("queue messages handled (waited in their lane before):");
    for (String type : List.of("claimed", "progress", "completed")) {
      side.append(String.format(" %s %.1f (%.1f) ms,", type,
          meanMillis("generator_queue_messages_seconds:" + type, before, after),
          meanMillis("generator_queue_message_wait_seconds:" + type, before, after)));
    }
    return side.append(String.format(" commit -> Redis relay receipt %.1f ms",
        meanMillis("generator_job_events_relay_latency_seconds", before, after))).toString();
  }

  /** {@code timer} is a name, or a name and its {@code type} tag ({@code name:type}). */
  private static double meanMillis(String timer, Map<String, Double> before, Map<String, Double> after) {
    String[] key = timer.split(":", 2);
    String sumKey = key[0] + "_sum" + (key.length > 1 ? ":" + key[1] : "");
    String countKey = key[0] + "_count" + (key.length > 1 ? ":" + key[1] : "");
    double count = after.getOrDefault(countKey, 0.0) - before.getOrDefault(countKey, 0.0);
    double sum = after.getOrDefault(sumKey, 0.0) - before.getOrDefault(sumKey, 0.0);
    return count == 0 ? Double.NaN : sum / count * 1000;
  }

  /** The generator's CPU while nothing happens (its schedulers, pollers and the relay's engine). */
  private double idleCpuPercent(Duration over) throws Exception {
    long before = cpuTicks(app.pid());
    Thread.sleep(over.toMillis());
    // /proc counts in clock ticks of 1/100 s
    return (cpuTicks(app.pid()) - before) / (over.toMillis() / 10.0) * 100;
  }

  /** The machine's CPU use since construction, and that of some processes, in percent of one core. */
  private static final class CpuShares {

    private final Map<String, Long> pids;
    private final Map<String, Long> ticks = new LinkedHashMap<>();
    private final long[] machine;

    CpuShares(Map<String, Long> pids) throws IOException {
      this.pids = new TreeMap<>(pids);
      for (var process : this.pids.entrySet()) {
        ticks.put(process.getKey(), cpuTicks(process.getValue()));
      }
      this.machine = machineTicks();
    }

    /** Busy and total ticks of all cores, from /proc/stat's first line (idle and iowait are not busy). */
    private static long[] machineTicks() throws IOException {
      String[] fields = Files.readAllLines(Path.of("/proc/stat")).getFirst().trim().split("\\s+");
      long total = 0;
      long idle = Long.parseLong(fields[4]) + Long.parseLong(fields[5]);
      for (int f = 1; f < Math.min(fields.length, 9); f++) {
        total += Long.parseLong(fields[f]);
      }
      return new long[] {total - idle, total};
    }

    @Override
    public String toString() {
      try {
        long[] now = machineTicks();
        int cores = Runtime.getRuntime().availableProcessors();
        // total ticks count every core: elapsed ticks of one core = total / cores
        double elapsed = (now[1] - machine[1]) / (double) cores;
        StringBuilder text = new StringBuilder(String.format("machine busy %.0f %% of %d cores;",
            (now[0] - machine[0]) / (double) (now[1] - machine[1]) * 100, cores));
        for (var process : pids.entrySet()) {
          text.append(String.format(" %s %.0f %%,", process.getKey(),
              (cpuTicks(process.getValue()) - ticks.get(process.getKey())) / elapsed * 100));
        }
        return text.append(" of one core").toString();
      } catch (IOException e) {
        return "unavailable: " + e;
      }
    }
  }

  /** CPU time of process {@code pid} so far, in clock ticks (1/100 s). */
  private static long cpuTicks(long pid) throws IOException {
    String[] fields = Files.readString(Path.of("/proc", Long.toString(pid), "stat"))
        .replaceFirst("^.*\\) ", "").split(" ");
    // after "pid (comm) ": state is field 0, utime 11, stime 12
    return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
  }

  /** The generator's resident set (heap, and what lives off it: direct buffers, thread stacks, code). */
  private long residentBytes() throws IOException {
    return Files.readAllLines(Path.of("/proc", Long.toString(app.pid()), "status")).stream()
        .filter(line -> line.startsWith("VmRSS:"))
        .mapToLong(line -> Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024).findFirst().orElse(-1);
  }

  /** Where the heap goes, for whoever wants to shrink it: target/bench-heap-<streams>.txt. */
  private void histogram(int streams) throws Exception {
    Path jcmd = Path.of(ProcessHandle.current().info().command().orElse("java")).resolveSibling("jcmd");
    Path out = repositoryRoot().resolve("generator-service/target/bench-heap-" + streams + ".txt");
    new ProcessBuilder(jcmd.toString(), Long.toString(app.pid()), "GC.class_histogram").redirectErrorStream(true)
        .redirectOutput(out.toFile()).start().waitFor();
  }

  private static String seconds(Instant since) {
    return String.format("%.1f", Duration.between(since, Instant.now()).toMillis() / 1000.0);
  }

  private void print() {
    System.out.println();
    System.out.println("generator benchmark (" + Runtime.getRuntime().availableProcessors() + " cores)");
    int w0 = rows.stream().mapToInt(r -> r[0].length()).max().orElse(10);
    int w1 = rows.stream().mapToInt(r -> r[1].length()).max().orElse(10);
    for (String[] row : rows) {
      System.out.printf("  %-" + w0 + "s  %-" + w1 + "s  %s%n", (Object[]) row);
    }
  }

  private void stop() throws Exception {
    stop(app);
    if (credits != null) {
      credits.close();
    }
    if (collections != null) {
      collections.close();
    }
    if (redis != null) {
      redis.close();
      redisClient.shutdown();
    }
    infra.close();
  }

  private static Path repositoryRoot() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.isRegularFile(dir.resolve("run"))) {
      dir = dir.getParent();
    }
    if (dir == null) {
      throw new IllegalStateException("not inside the repository");
    }
    return dir;
  }
}
