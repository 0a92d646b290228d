package io.emprops.devworker;

import io.lettuce.core.RedisClient;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * A worker of the EmProps Job Queue for local use: claims steps of its service (default
 * {@code mock}), reports progress in several steps, and completes with a PNG painted from the
 * payload's prompt and seed ({@code image_base64}, {@code mime_type}), its result nested as real
 * workers nest theirs. It speaks the protocol of
 * JOB-QUEUE.md: atomic claim, status fields, progress hash, completed/failed hashes, the four
 * channels, a heartbeat every 30 s. A step cancelled while it runs is not completed.
 * A prompt holding {@value #FAIL_ONCE} fails the first time its step input is seen (remembered in
 * Redis for a day) and succeeds when that input runs again, as a retry does.
 *
 * <pre>java -jar dev-worker.jar --redis redis://127.0.0.1:8093 [--service mock] [--steps 4] [--step-delay-ms 300]</pre>
 */
public final class DevWorker implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(DevWorker.class);
  private static final String CLAIM = resource("/claim.lua");
  static final Duration HEARTBEAT_EVERY = Duration.ofSeconds(30);
  /** Prompt marker: fail the first attempt of this step input, succeed on the next. */
  static final String FAIL_ONCE = "[fail-once]";
  static final Duration FAIL_ONCE_MEMORY = Duration.ofDays(1);

  private final RedisClient client;
  private final StatefulRedisConnection<String, String> connection;
  private final JsonMapper json = JsonMapper.builder().build();
  private final String workerId;
  private final String service;
  private final int progressSteps;
  private final Duration stepDelay;
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final StepTracing tracing = new StepTracing();
  private final ScheduledExecutorService heartbeat = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "heartbeat");
    t.setDaemon(true);
    return t;
  });

  public DevWorker(String redisUrl, String workerId, String service, int progressSteps, Duration stepDelay) {
    this.client = RedisClient.create(redisUrl);
    this.connection = client.connect();
    this.workerId = workerId;
    this.service = service;
    this.progressSteps = Math.max(1, progressSteps);
    this.stepDelay = stepDelay;
  }

  public static void main(String[] args) throws InterruptedException {
    String redis = option(args, "--redis", System.getenv().getOrDefault("SPRING_DATA_REDIS_URL", "redis://127.0.0.1:8093"));
    String service = option(args, "--service", "mock");
    int steps = Integer.parseInt(option(args, "--steps", "4"));
    long delay = Long.parseLong(option(args, "--step-delay-ms", "300"));
    String id = option(args, "--worker-id", "dev-worker-" + ProcessHandle.current().pid());
    DevWorker worker = new DevWorker(redis, id, service, steps, Duration.ofMillis(delay));
    Runtime.getRuntime().addShutdownHook(new Thread(worker::close, "dev-worker-shutdown"));
    log.info("Worker {} serving '{}' from {}", id, service, io.lettuce.core.RedisURI.create(redis)); // no password
    worker.run();
  }

  /** Claims and runs steps until closed. */
  public void run() throws InterruptedException {
    // A worker starts holding nothing, as real workers do after a restart under the same id.
    redis().del("jobs:active:" + workerId);
    beat();
    heartbeat.scheduleAtFixedRate(this::beat, HEARTBEAT_EVERY.toSeconds(), HEARTBEAT_EVERY.toSeconds(), TimeUnit.SECONDS);
    while (running.get()) {
      try {
        if (!runOne()) {
          Thread.sleep(100);
        }
      } catch (RuntimeException e) {
        if (running.get()) {
          log.warn("Worker loop error: {}", e.toString());
          Thread.sleep(1000);
        }
      }
    }
  }

  /** @return false when there was nothing to claim */
  boolean runOne() throws InterruptedException {
    Instant now = Instant.now();
    String assignedAt = now.getEpochSecond() + "." + String.format("%06d", now.getNano() / 1000);
    String stepId = redis().eval(CLAIM, ScriptOutputType.VALUE, new String[] {"jobs:pending"}, service, workerId, assignedAt);
    if (stepId == null) {
      return false;
    }
    String key = "job:" + stepId;
    Map<String, String> step = redis().hgetall(key);
    return tracing.runStep(step, stepId, service, () -> {
      try {
        return run(stepId, step, now);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return true;
      }
    });
  }

  private boolean run(String stepId, Map<String, String> step, Instant now) throws InterruptedException {
    String key = "job:" + stepId;
    ObjectNode claimed = message(stepId);
    claimed.put("status", "claimed");
    claimed.put("claimed_at", now.toString());
    claimed.put("service_required", service);
    claimed.put("customer_id", step.getOrDefault("customer_id", ""));
    claimed.put("workflow_id", step.getOrDefault("workflow_id", ""));
    publish("job_claimed", claimed);
    ObjectNode zero = message(stepId);
    zero.put("progress", 0);
    publish("update_job_progress", zero);
    redis().hset(key, Map.of("status", "in_progress", "started_at", Instant.now().toString()));

    JsonNode payload;
    try {
      payload = json.readTree(step.getOrDefault("payload", "{}"));
    } catch (RuntimeException e) {
      fail(stepId, "payload is not JSON");
      return true;
    }
    String prompt = payload.path("prompt").asString("");
    if (prompt.isBlank()) {
      fail(stepId, "payload has no prompt");
      return true;
    }
    if (prompt.contains(FAIL_ONCE) && firstAttemptOf(step.getOrDefault("payload", ""))) {
      fail(stepId, "failing the first attempt of this input as its prompt asks (" + FAIL_ONCE + "); a retry succeeds");
      return true;
    }
    for (int i = 1; i <= progressSteps; i++) {
      Thread.sleep(stepDelay.toMillis());
      report(stepId, i * 100 / (progressSteps + 1), "painting " + i + "/" + progressSteps);
    }
    long started = System.nanoTime();
    byte[] png = DeterministicArt.png(prompt, payload.path("seed").asLong(0),
        payload.path("width").asInt(256), payload.path("height").asInt(256));
    if ("failed".equals(redis().hget(key, "status"))) {
      log.info("Step {} was cancelled while running; not completing it", stepId);
      redis().hdel("jobs:active:" + workerId, stepId);
      return true;
    }
    complete(stepId, png, (System.nanoTime() - started) / 1_000_000);
    return true;
  }

  private void report(String stepId, int percent, String text) {
    String now = Instant.now().toString();
    redis().hset("job:" + stepId + ":progress", Map.of(
        "progress", Integer.toString(percent), "status", "in_progress", "message", text, "updated_at", now));
    ObjectNode progress = message(stepId);
    progress.put("progress", percent);
    progress.put("status", "in_progress");
    progress.put("message", text);
    publish("update_job_progress", progress);
  }

  private void complete(String stepId, byte[] png, long millis) {
    String now = Instant.now().toString();
    ObjectNode data = json.createObjectNode();
    data.put("image_base64", Base64.getEncoder().encodeToString(png));
    data.put("mime_type", "image/png");
    data.put("size_bytes", png.length);
    // The connector's result, as real workers report it; what they store wraps it once more
    // (JOB-QUEUE.md, "Facts observed with the real queue"), and so does this worker.
    ObjectNode result = json.createObjectNode();
    result.put("success", true);
    result.set("data", data);
    result.put("processing_time_ms", millis);
    redis().hset("job:" + stepId, Map.of("status", "completed", "completed_at", now));
    ObjectNode stored = json.createObjectNode();
    stored.put("success", true);
    stored.set("data", result);
    stored.put("completed_at", now);
    redis().hset("jobs:completed", stepId, json.writeValueAsString(stored));
    redis().expire("jobs:completed", Duration.ofHours(24));
    redis().hdel("jobs:active:" + workerId, stepId);
    ObjectNode message = message(stepId);
    message.put("progress", 100);
    message.put("status", "completed");
    message.put("message", "done");
    message.set("result", result);
    publish("complete_job", message);
    log.info("Completed step {} ({} bytes of PNG)", stepId, png.length);
  }

  /** True only the first time this exact step input is seen (within {@link #FAIL_ONCE_MEMORY}). */
  private boolean firstAttemptOf(String payload) {
    String key = "dev-worker:fail-once:" + sha256(payload);
    return "OK".equals(redis().set(key, Instant.now().toString(), SetArgs.Builder.nx().ex(FAIL_ONCE_MEMORY)));
  }

  private static String sha256(String text) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Fails the step for good in the queue (the queue does not retry it; a job retry submits it anew). */
  private void fail(String stepId, String error) {
    String now = Instant.now().toString();
    String key = "job:" + stepId;
    redis().hset(key, Map.of("status", "failed", "failed_at", now, "error", error));
    ObjectNode stored = json.createObjectNode();
    stored.put("error", error);
    stored.put("failed_at", now);
    String retries = redis().hget(key, "retry_count");
    stored.put("retry_count", retries == null ? 0 : Integer.parseInt(retries));
    redis().hset("jobs:failed", stepId, json.writeValueAsString(stored));
    redis().hdel("jobs:active:" + workerId, stepId);
    ObjectNode message = message(stepId);
    message.put("status", "failed");
    message.put("error", error);
    message.put("failed_at", now);
    message.put("can_retry", false);
    publish("job_failed", message);
    log.info("Failed step {}: {}", stepId, error);
  }

  private void beat() {
    try {
      redis().setex("worker:" + workerId + ":heartbeat", 60, Instant.now().toString());
    } catch (RuntimeException e) {
      log.warn("Heartbeat failed: {}", e.toString());
    }
  }

  private ObjectNode message(String stepId) {
    ObjectNode node = json.createObjectNode();
    node.put("job_id", stepId);
    node.put("worker_id", workerId);
    node.put("timestamp", System.currentTimeMillis());
    return node;
  }

  private void publish(String channel, ObjectNode message) {
    tracing.publish(channel, () -> redis().publish(channel, json.writeValueAsString(message)));
  }

  private RedisCommands<String, String> redis() {
    return connection.sync();
  }

  @Override
  public void close() {
    if (running.compareAndSet(true, false)) {
      heartbeat.shutdownNow();
      try {
        redis().del("worker:" + workerId + ":heartbeat");
      } catch (RuntimeException ignored) {
        // Redis already gone: the key expires by itself
      }
      connection.close();
      client.shutdown();
    }
  }

  private static String option(String[] args, String name, String fallback) {
    for (int i = 0; i + 1 < args.length; i++) {
      if (args[i].equals(name)) {
        return args[i + 1];
      }
    }
    return fallback;
  }

  private static String resource(String name) {
    try (InputStream in = DevWorker.class.getResourceAsStream(name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
