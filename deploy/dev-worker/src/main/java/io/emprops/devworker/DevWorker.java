package io.emprops.devworker;

import io.emprops.jobqueue.ClaimedStep;
import io.emprops.jobqueue.QueueWorker;
import io.emprops.jobqueue.StepFields;
import io.lettuce.core.RedisClient;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
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
 * workers nest theirs. It speaks the protocol of JOB-QUEUE.md through {@link QueueWorker} (atomic
 * claim, status fields, progress hash, completed/failed hashes, the four channels) and heartbeats
 * every 30 s. A step cancelled while it runs is left between two paint steps, never completed. A
 * prompt holding {@value #FAIL_ONCE} fails the first time its step input is seen (remembered in
 * Redis for a day) and succeeds when that input runs again, as a retry does.
 *
 * <pre>java -jar dev-worker.jar --redis redis://127.0.0.1:8093 [--service mock] [--steps 4] [--step-delay-ms 300]</pre>
 */
public final class DevWorker implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(DevWorker.class);
  static final Duration HEARTBEAT_EVERY = Duration.ofSeconds(30);
  /** How often a completion that Redis refused is tried again. */
  static final Duration REDIS_RETRY = Duration.ofMillis(500);
  /** Prompt marker: fail the first attempt of this step input, succeed on the next. */
  static final String FAIL_ONCE = "[fail-once]";
  static final Duration FAIL_ONCE_MEMORY = Duration.ofDays(1);

  private final RedisClient client;
  private final StatefulRedisConnection<String, String> connection;
  private final JsonMapper json = JsonMapper.builder().build();
  private final QueueWorker queue;
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
    this.queue = new QueueWorker(connection, json, workerId, tracing::publish);
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
    queue.forgetHeldSteps();
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
    Optional<ClaimedStep> claimed = queue.claim(service);
    if (claimed.isEmpty()) {
      return false;
    }
    ClaimedStep step = claimed.get();
    return tracing.runStep(step.fields(), step.stepId(), service, () -> {
      try {
        return run(step);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return true;
      }
    });
  }

  private boolean run(ClaimedStep step) throws InterruptedException {
    String stepId = step.stepId();
    queue.announceClaim(step);
    queue.start(stepId);

    JsonNode payload;
    try {
      payload = json.readTree(step.fields().getOrDefault(StepFields.PAYLOAD, "{}"));
    } catch (RuntimeException e) {
      fail(stepId, "payload is not JSON");
      return true;
    }
    String prompt = payload.path("prompt").asString("");
    if (prompt.isBlank()) {
      fail(stepId, "payload has no prompt");
      return true;
    }
    if (prompt.contains(FAIL_ONCE) && firstAttemptOf(step.field(StepFields.PAYLOAD))) {
      fail(stepId, "failing the first attempt of this input as its prompt asks (" + FAIL_ONCE + "); a retry succeeds");
      return true;
    }
    for (int i = 1; i <= progressSteps; i++) {
      Thread.sleep(stepDelay.toMillis());
      if (cancelled(stepId)) {
        return true;
      }
      reportProgress(stepId, i * 100 / (progressSteps + 1), "painting " + i + "/" + progressSteps);
    }
    long started = System.nanoTime();
    byte[] png = DeterministicArt.png(prompt, payload.path("seed").asLong(0),
        payload.path("width").asInt(256), payload.path("height").asInt(256));
    if (cancelled(stepId)) {
      return true;
    }
    ObjectNode data = json.createObjectNode();
    data.put("image_base64", Base64.getEncoder().encodeToString(png));
    data.put("mime_type", "image/png");
    data.put("size_bytes", png.length);
    ObjectNode result = queue.connectorResult(data, (System.nanoTime() - started) / 1_000_000);
    // A step in hand is never dropped because Redis went away meanwhile: its image is made, so the
    // completion (idempotent writes, the message a hint) is written once Redis answers again.
    while (true) {
      try {
        queue.complete(stepId, result);
        break;
      } catch (RuntimeException e) {
        if (!running.get()) {
          throw e;
        }
        log.warn("Completing step {} failed ({}); trying again once Redis answers", stepId, e.toString());
        Thread.sleep(REDIS_RETRY.toMillis());
      }
    }
    log.info("Completed step {} ({} bytes of PNG)", stepId, png.length);
    return true;
  }

  /** Progress is a hint: one that cannot be written (Redis away for a moment) is skipped, not fatal to the step. */
  private void reportProgress(String stepId, int percent, String text) {
    try {
      queue.progress(stepId, percent, text);
    } catch (RuntimeException e) {
      log.warn("Progress of step {} not reported: {}", stepId, e.toString());
    }
  }

  /** True only the first time this exact step input is seen (within {@link #FAIL_ONCE_MEMORY}). */
  /**
   * Whether the step was cancelled (failed by its owner) while it ran; a cancelled step is left
   * at once, between two paint steps, and released rather than completed.
   */
  private boolean cancelled(String stepId) {
    String status;
    try {
      status = queue.status(stepId);
    } catch (RuntimeException e) {
      return false; // Redis away for a moment: go on painting; the completion waits for it
    }
    if (!StepFields.FAILED.equals(status)) {
      return false;
    }
    log.info("Step {} was cancelled while running; not completing it", stepId);
    queue.release(stepId);
    return true;
  }

  private boolean firstAttemptOf(String payload) {
    String key = "dev-worker:fail-once:" + sha256(payload);
    return "OK".equals(connection.sync().set(key, "1", SetArgs.Builder.nx().ex(FAIL_ONCE_MEMORY)));
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
    queue.failPermanently(stepId, error);
    log.info("Failed step {}: {}", stepId, error);
  }

  private void beat() {
    try {
      queue.heartbeat();
    } catch (RuntimeException e) {
      log.warn("Heartbeat failed: {}", e.toString());
    }
  }

  @Override
  public void close() {
    if (running.compareAndSet(true, false)) {
      heartbeat.shutdownNow();
      try {
        queue.stopHeartbeat();
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
}
