package io.emprops.generator.bench;

import io.emprops.generator.queue.JobQueueClient;
import io.emprops.generator.queue.StepSubmission;
import io.emprops.generator.queue.WorkerSimulator;
import io.emprops.jobqueue.QueueKeys;
import io.emprops.web.testing.GatewayCalls;
import io.lettuce.core.RedisClient;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import java.util.stream.Stream;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The bridge's cost against the job queue's own path, with the same worker in the same run
 * (issue 13): a generation through our API — {@code POST …/generations} (the credit saga on the
 * real credits-service), then the job's SSE stream until {@code job_completed} — against a step
 * written by the bare queue client and followed until its {@code complete_job} message. The two
 * alternate, so both see the same machine. The worker's image is fetched and stored by the real
 * storage-service before the job completes ({@link ImageHost}). Then how fresh the progress a worker reports is when
 * it reaches the SSE client, with the production throttle (250 ms).
 */
final class BridgeOverhead implements AutoCloseable {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  /** What the worker does with a bridge step: 10 % 2 ms after the claim's 0 %, 100 % at 18 ms, completes at 20 ms. */
  static final String QUICK = "quick";
  /** A step of about a second with bursts: 10 % 2 ms after 0 %, 20–90 % every 100 ms, 100 % 3 ms after 90 %. */
  static final String SLOW = "slow";

  private final RedisClient redis;
  private final String service;
  private final ImageHost images;
  private final WorkerSimulator worker;
  private final Thread loop;
  private final StatefulRedisPubSubConnection<String, String> completions;
  private final Map<String, CompletableFuture<Long>> completedSteps = new ConcurrentHashMap<>();
  /** Per job (workflow id): the worker's completion PUBLISH, its progress reports (nanos, value). */
  private final Map<String, Long> completionPublished = new ConcurrentHashMap<>();
  private final Map<String, List<long[]>> reports = new ConcurrentHashMap<>();
  private final Map<String, CountDownLatch> gates = new ConcurrentHashMap<>();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  private volatile boolean running = true;

  BridgeOverhead(RedisClient redis, String service, ImageHost images) {
    this.redis = redis;
    this.service = service;
    this.images = images;
    this.worker = new WorkerSimulator(redis, "bench-bridge-worker", service);
    worker.heartbeat();
    this.completions = redis.connectPubSub();
    completions.addListener(new RedisPubSubAdapter<>() {
      @Override
      public void message(String channel, String message) {
        long now = System.nanoTime();
        String stepId = JSON.readTree(message).path("job_id").asString("");
        CompletableFuture<Long> waiting = completedSteps.get(stepId);
        if (waiting != null) {
          waiting.complete(now);
        }
      }
    });
    completions.sync().subscribe(QueueKeys.CHANNEL_COMPLETED);
    this.loop = Thread.ofPlatform().name("bench-bridge-worker").daemon(true).start(this::work);
  }

  /** The worker: claims as soon as a step is pending (polling every millisecond) and runs it by its prompt. */
  private void work() {
    while (running) {
      String step = worker.claim().orElse(null);
      if (step == null) {
        LockSupport.parkNanos(1_000_000);
        continue;
      }
      try (var connection = redis.connect()) {
        Map<String, String> fields = connection.sync().hgetall(QueueKeys.job(step));
        String workflow = fields.getOrDefault("workflow_id", "");
        boolean slow = JSON.readTree(fields.getOrDefault("payload", "{}")).path("prompt").asString("").equals(SLOW);
        worker.start(step);
        if (slow) {
          gates.computeIfAbsent(workflow, k -> new CountDownLatch(1)).await(30, TimeUnit.SECONDS);
          long begin = System.nanoTime();
          report(step, workflow, 10, begin + 2_000_000);
          for (int p = 20; p <= 90; p += 10) {
            report(step, workflow, p, begin + (p - 10) * 10_000_000L);
          }
          report(step, workflow, 100, begin + 803_000_000L);
          park(begin + 808_000_000L);
        } else {
          long begin = System.nanoTime();
          report(step, workflow, 10, begin + 2_000_000);
          report(step, workflow, 100, begin + 18_000_000);
          park(begin + 20_000_000);
        }
        completionPublished.put(workflow, System.nanoTime());
        worker.complete(step, WorkerSimulator.imageUrl(images.url(step), "image/png"));
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        if (running) {
          System.err.println("bench worker: " + e);
        }
      }
    }
  }

  private void report(String step, String workflow, int progress, long atNanos) {
    park(atNanos);
    reports.computeIfAbsent(workflow, k -> new ArrayList<>()).add(new long[] {System.nanoTime(), progress});
    worker.progress(step, progress, "at " + progress);
  }

  private static void park(long untilNanos) {
    for (long wait = untilNanos - System.nanoTime(); wait > 0; wait = untilNanos - System.nanoTime()) {
      LockSupport.parkNanos(wait);
    }
  }

  /** One generation through our API: nanoseconds from the POST to job_completed on its stream, and to the 202. */
  record Generation(String jobId, long acceptedNanos, long completedNanos, List<long[]> progress, long completedAt,
      Instant postedAt) {}

  Generation generate(GatewayCalls calls, String user, java.util.UUID collection, Function<String, HttpRequest> stream)
      throws Exception {
    Instant postedAt = Instant.now();
    long start = System.nanoTime();
    HttpResponse<String> accepted = calls.post("/collections/" + collection + "/generations", GatewayCalls.user(user), "{}");
    long acceptedAt = System.nanoTime();
    if (accepted.statusCode() != 202) {
      throw new IllegalStateException("generation: " + accepted.statusCode() + " " + accepted.body());
    }
    String jobId = JSON.readTree(accepted.body()).get("data").get("job_id").asString();
    HttpResponse<Stream<String>> events = http.send(stream.apply(jobId), HttpResponse.BodyHandlers.ofLines());
    gates.computeIfAbsent(jobId, k -> new CountDownLatch(1)).countDown();
    List<long[]> progress = new ArrayList<>();
    String event = null;
    List<String> seen = new ArrayList<>();
    try (Stream<String> lines = events.body()) {
      Iterator<String> it = lines.iterator();
      while (it.hasNext()) {
        String line = it.next();
        seen.add(line);
        long now = System.nanoTime();
        if (line.startsWith("event:")) {
          event = line.substring(6).trim();
        } else if (line.startsWith("data:") && "node_progress".equals(event)) {
          progress.add(new long[] {now, JSON.readTree(line.substring(5)).path("progress").asInt()});
        } else if (line.startsWith("data:") && "job_completed".equals(event)) {
          return new Generation(jobId, acceptedAt - start, now - start, progress, now, postedAt);
        }
      }
    }
    throw new IllegalStateException("the stream of job " + jobId + " (HTTP " + events.statusCode()
        + ") ended without job_completed; its last lines: " + seen.subList(Math.max(0, seen.size() - 12), seen.size()));
  }

  /** One step through the bare queue client: nanoseconds from its submission to its complete_job message. */
  long bareStep(JobQueueClient queue, String user) throws Exception {
    String step = UUID.randomUUID().toString();
    CompletableFuture<Long> completed = new CompletableFuture<>();
    completedSteps.put(step, completed);
    long start = System.nanoTime();
    queue.submit(new StepSubmission(step, service, 50, "{\"prompt\":\"" + QUICK + "\"}", user, Instant.now(), 3,
        UUID.randomUUID().toString(), 50, System.currentTimeMillis(), 1, 1, null, null, null, null, null));
    long end = completed.get(30, TimeUnit.SECONDS);
    completedSteps.remove(step);
    return end - start;
  }

  /**
   * Where a generation's time went, from its history (each event's time is its transaction's
   * start): POST → accepted (pending), → queued (on the owner's credit standing, or credits
   * reserved), → a worker started it, → the step completed, → the job completed.
   */
  /** The phase that compares with the bare path: everything but storing the output. */
  static final String POST_TO_STEP_COMPLETED = "POST -> step completed (all but storing the output)";

  /** Present only for a job that started on its owner's credit standing. */
  static final String STANDING_RESERVED = "started on the credit standing: accepted -> credits reserved (beside the work)";

  static Map<String, Long> phases(GatewayCalls calls, String user, Generation generation) {
    JsonNode history = JSON.readTree(calls.get("/jobs/" + generation.jobId() + "/history", GatewayCalls.user(user)).body())
        .get("data");
    Map<String, Long> at = new java.util.LinkedHashMap<>();
    Long creditsReserved = null;
    boolean onStanding = false;
    for (JsonNode event : history) {
      String name = event.get("event").asString() + ":" + event.get("status").asString();
      Instant created = Instant.parse(event.get("created_at").asString());
      long micros = created.toEpochMilli() * 1000 + created.getNano() / 1000 % 1000;
      at.putIfAbsent(name, micros);
      String message = event.get("message").asString();
      onStanding |= message.startsWith("Started on the known credit standing");
      if (creditsReserved == null && message.startsWith("Credits reserved")) {
        creditsReserved = micros;
      }
    }
    long posted = generation.postedAt().toEpochMilli() * 1000 + generation.postedAt().getNano() / 1000 % 1000;
    Map<String, Long> phases = new java.util.LinkedHashMap<>();
    long previous = posted;
    for (String[] step : new String[][] {{"job_status:pending", "POST -> accepted"},
        {"job_status:queued", "accepted -> queued (on the credit standing, or credits reserved)"},
        {"node_started:processing", "queued -> worker started"},
        {"node_completed:processing", "started -> step completed"}, {"job_completed:completed", "step -> job completed"}}) {
      Long time = at.get(step[0]);
      if (time != null) {
        phases.put(step[1], (time - previous) * 1000);
        previous = time;
      }
    }
    Long stepCompleted = at.get("node_completed:processing");
    if (stepCompleted != null) {
      phases.put(POST_TO_STEP_COMPLETED, (stepCompleted - posted) * 1000);
    }
    Long accepted = at.get("job_status:pending");
    if (onStanding && creditsReserved != null && accepted != null) {
      // Started on the standing: the decision runs beside the work and gates only its completion.
      phases.put(STANDING_RESERVED, (creditsReserved - accepted) * 1000);
    }
    Long reserved = at.get("job_status:queued");
    if (!onStanding && reserved != null) {
      // How soon the waiting request answered once credits were decided (the decision's
      // transaction started then; it also lays the job out before it commits).
      phases.put("credits reserved -> 202 received", posted * 1000 + generation.acceptedNanos() - reserved * 1000);
    }
    return phases;
  }

  /** From the worker's complete_job PUBLISH to job_completed on the client's stream. */
  long completionToStream(Generation generation) {
    Long published = completionPublished.get(generation.jobId());
    return published == null ? -1 : generation.completedAt() - published;
  }

  /**
   * For every report the worker made while the client was connected: how long until the stream
   * carried that value or a later one.
   */
  List<Long> staleness(Generation generation) {
    List<Long> ages = new ArrayList<>();
    for (long[] report : reports.getOrDefault(generation.jobId(), List.of())) {
      long deliveredAt = generation.completedAt();
      for (long[] event : generation.progress()) {
        if (event[1] >= report[1]) {
          deliveredAt = event[0];
          break;
        }
      }
      ages.add(Math.max(0, deliveredAt - report[0]));
    }
    return ages;
  }

  static String summary(List<Long> nanos) {
    long[] sorted = nanos.stream().mapToLong(Long::longValue).sorted().toArray();
    if (sorted.length == 0) {
      return "no samples";
    }
    return String.format("p50 %.1f / p90 %.1f / max %.1f ms (n=%d)", percentile(sorted, 0.5) / 1e6,
        percentile(sorted, 0.9) / 1e6, sorted[sorted.length - 1] / 1e6, sorted.length);
  }

  static double percentile(long[] sorted, double p) {
    return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)];
  }

  static double median(List<Long> nanos) {
    long[] sorted = nanos.stream().mapToLong(Long::longValue).sorted().toArray();
    return percentile(sorted, 0.5);
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    loop.join(5_000);
    completions.close();
    worker.close();
    http.close();
  }

  static JobQueueClient queueClient(io.lettuce.core.api.StatefulRedisConnection<String, String> connection) {
    return new JobQueueClient(connection, JSON, Clock.systemUTC());
  }
}
