package io.emprops.storage.bench;

import io.emprops.localstack.infra.DevTokenIssuer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Output ingestion latency: from a step completing in the generator (its {@code image_generated},
 * written in the transaction that hands the output to storage-service as
 * {@code GenerationStepCompleted}) to the generator handling storage-service's {@code AssetStored}
 * (its {@code image_stored}), for every image of real generations through the gateway, read from
 * the jobs' histories. Workers in this JVM ({@link QuickWorkers}: queue service {@code mock}, one
 * progress report, a fixed delay per image) pace the images at about {@code workers × 1000 / delay}
 * per second; the rate reached is printed.
 *
 * <p>The baseline, in the same run and on the same relays: each job's credit saga (
 * {@code GenerationRequested} → credits-service → {@code CreditsReserved} handled by the
 * generator), the same two outbox/Kafka/inbox hops without storage's work in between.
 */
final class IngestionLatency {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  /** Many users' small jobs: the load the target is for (new users get 100 credits; mock-image costs 1). */
  private static final int SMALL_JOB = 2;
  /** One user's large jobs, one after the other: every output of a job takes that job's lock, twice. */
  private static final int LARGE_JOB = 30;
  /** Users asking for generations at the same time. */
  private static final int SUBMITTERS = 8;
  /** The workers' images: 128×128 of noise, about 48 KB of PNG. */
  private static final int IMAGE_SIDE = 128;

  private final HttpClient http;
  private final String gateway;
  private final Path data;

  IngestionLatency(HttpClient http, String gateway, Path data) {
    this.http = http;
    this.gateway = gateway;
    this.data = data;
  }

  void run(int images) throws Exception {
    int workerCount = Integer.getInteger("bench.workers", 4);
    int delayMillis = Integer.getInteger("bench.worker-delay-ms", 200);
    try (QuickWorkers workers = new QuickWorkers(redisUrl(), "mock", workerCount, Duration.ofMillis(delayMillis),
        IMAGE_SIDE)) {
      System.out.printf("%ningestion: %d workers, %d ms per image (at most %.0f images/s), %d KB PNGs inline%n",
          workerCount, delayMillis, workerCount * 1000.0 / delayMillis, workers.imageBytes() / 1024);
      measure(prepare(20, SMALL_JOB), SMALL_JOB, "warm-up");
      measure(prepare(jobsFor(images, SMALL_JOB), SMALL_JOB), SMALL_JOB, "counted, jobs of " + SMALL_JOB + " images");
      measure(prepare(jobsFor(images, LARGE_JOB), LARGE_JOB), LARGE_JOB, "counted, jobs of " + LARGE_JOB + " images");
    }
  }

  /** One new user per job (generations are rate limited per user), each with a collection of its own. */
  private static int jobsFor(int images, int perJob) {
    return Math.max(1, (images + perJob - 1) / perJob);
  }

  private List<Submission> prepare(int jobs, int generations) throws Exception {
    List<Submission> submissions = new ArrayList<>();
    for (int i = 0; i < jobs; i++) {
      String token = DevTokenIssuer.mint(data.resolve("dev-issuer/signing-key.json"), "bench-" + UUID.randomUUID(),
          List.of("user"), Duration.ofHours(1));
      HttpResponse<String> created = send("POST", "/api/collections/create", token, """
          {"title": "Ingestion bench", "instruction_set": {"version": "v2",
            "steps": [{"id": 1, "nodeName": "mock-image", "nodePayload": {"prompt": "bench {{subject}} %d"}}],
            "generations": {"generations": %d, "hashes": [], "use_custom_hashes": false},
            "variables": [{"name": "subject", "type": "text", "value": "fox"}]}}""".formatted(i, generations));
      require(created, 201);
      submissions.add(new Submission(token, JSON.readTree(created.body()).get("data").get("id").asString()));
    }
    return submissions;
  }

  private void measure(List<Submission> submissions, int generations, String label) throws Exception {
    // Several users ask at once, as on a real platform: one at a time, each POST's wait for its
    // credit decision capped the rate below what the workers could take.
    List<String> jobIds = new ArrayList<>();
    try (var submitters = java.util.concurrent.Executors.newFixedThreadPool(SUBMITTERS)) {
      List<java.util.concurrent.Future<String>> submitted = new ArrayList<>();
      for (Submission submission : submissions) {
        submitted.add(submitters.submit(() -> generate(submission)));
      }
      for (var job : submitted) {
        jobIds.add(job.get());
      }
    }
    for (int i = 0; i < jobIds.size(); i++) {
      awaitCompleted(submissions.get(i).token(), jobIds.get(i));
    }
    List<Double> ingestion = new ArrayList<>();
    List<Double> saga = new ArrayList<>();
    Instant first = null;
    Instant last = null;
    List<String> incomplete = new ArrayList<>();
    for (int i = 0; i < jobIds.size(); i++) {
      JsonNode history = JSON.readTree(send("GET", "/jobs/" + jobIds.get(i) + "/history", submissions.get(i).token(), null)
          .body()).get("data");
      int storedBefore = ingestion.size();
      Map<String, Instant> generated = new HashMap<>();
      Instant requested = null;
      for (JsonNode event : history) {
        Instant at = Instant.parse(event.get("created_at").asString());
        String name = event.get("event").asString();
        String message = event.path("message").asString("");
        if (requested == null && "job_status".equals(name)) {
          requested = at;
        } else if ("job_status".equals(name) && message.startsWith("Credits reserved")) {
          saga.add(millis(requested, at));
        } else if ("image_generated".equals(name)) {
          generated.put(output(event.get("data")), at);
          first = first == null || at.isBefore(first) ? at : first;
          last = last == null || at.isAfter(last) ? at : last;
        } else if ("image_stored".equals(name)) {
          Instant handed = generated.get(output(event.get("data")));
          if (handed == null) {
            throw new IllegalStateException("image_stored before image_generated in job " + jobIds.get(i));
          }
          ingestion.add(millis(handed, at));
          generated.remove(output(event.get("data")));
        }
      }
      if (ingestion.size() - storedBefore != generations) {
        incomplete.add("job " + jobIds.get(i) + ": " + (ingestion.size() - storedBefore) + " image_stored; generated but"
            + " never stored: " + generated.keySet() + "; its history's last events: " + tail(history, 6));
      }
    }
    if (!incomplete.isEmpty()) {
      throw new IllegalStateException(ingestion.size() + " images stored, expected " + jobIds.size() * generations
          + "\n" + String.join("\n", incomplete));
    }
    double seconds = Math.max(0.001, Duration.between(first, last).toNanos() / 1e9);
    System.out.printf("%s: %d images in %.1f s (%.1f images/s), %d jobs%n", label, ingestion.size(), seconds,
        ingestion.size() / seconds, jobIds.size());
    System.out.printf("         output ingestion (image_generated -> image_stored)  p50 %6.1f ms  p99 %6.1f ms  max %6.1f ms"
        + "  (target p99 <= 100)%n", percentile(ingestion, 50), percentile(ingestion, 99), percentile(ingestion, 100));
    System.out.printf("         baseline: credit saga (requested -> reserved)          p50 %6.1f ms  p99 %6.1f ms"
        + "  ratio p50 %.2f%n", percentile(saga, 50), percentile(saga, 99), percentile(ingestion, 50) / percentile(saga, 50));
  }

  private String generate(Submission submission) throws Exception {
    for (int attempt = 0; ; attempt++) {
      HttpResponse<String> generation = send("POST", "/collections/" + submission.collectionId() + "/generations",
          submission.token(), "{}");
      if (generation.statusCode() == 404 && attempt < 8) {
        // The generator's read model has not received the collection yet. Each attempt counts
        // against the user's generation rate limit (10 a minute): few, spaced attempts.
        Thread.sleep(1_000);
        continue;
      }
      require(generation, 202);
      return JSON.readTree(generation.body()).get("data").get("job_id").asString();
    }
  }

  private void awaitCompleted(String token, String jobId) throws Exception {
    Instant deadline = Instant.now().plus(Duration.ofMinutes(5));
    while (true) {
      JsonNode job = JSON.readTree(send("GET", "/jobs/" + jobId, token, null).body()).get("data");
      String status = job.get("status").asString();
      if ("completed".equals(status)) {
        return;
      }
      if (!"pending".equals(status) && !"queued".equals(status) && !"processing".equals(status)
          || Instant.now().isAfter(deadline)) {
        throw new IllegalStateException("job " + jobId + " is " + status + ": " + job.path("error").asString(""));
      }
      Thread.sleep(500);
    }
  }

  /** The job queue's Redis, as the stack hands it to workers (the password stays off command lines). */
  private String redisUrl() throws Exception {
    return Files.readAllLines(data.resolve("env/job-queue.env")).stream()
        .filter(l -> l.startsWith("REDIS_URL=")).findFirst().orElseThrow()
        .substring("REDIS_URL=".length()).replaceAll("^'|'$", "");
  }

  private HttpResponse<String> send(String method, String path, String token, String body) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(gateway + path)).timeout(Duration.ofSeconds(30))
        .header("Authorization", "Bearer " + token);
    if (body != null) {
      request.header("Content-Type", "application/json");
    }
    return http.send(request.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
        : HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static void require(HttpResponse<String> response, int status) {
    if (response.statusCode() != status) {
      throw new IllegalStateException(response.request().method() + " " + response.request().uri().getPath()
          + " answered " + response.statusCode() + ": " + response.body());
    }
  }

  /** The last {@code count} events of a history: name, status, message. */
  private static List<String> tail(JsonNode history, int count) {
    List<String> events = new ArrayList<>();
    for (int i = Math.max(0, history.size() - count); i < history.size(); i++) {
      JsonNode event = history.get(i);
      events.add(event.get("event").asString() + ":" + event.path("status").asString("") + " "
          + event.path("message").asString(""));
    }
    return events;
  }

  private static String output(JsonNode data) {
    return data.get("generation").asInt() + "/" + data.get("step_id").asInt() + "/" + data.get("index").asInt();
  }

  private static double millis(Instant from, Instant to) {
    return Duration.between(from, to).toNanos() / 1e6;
  }

  /** The nearest-rank percentile (100: the maximum). */
  private static double percentile(List<Double> values, int p) {
    List<Double> sorted = values.stream().sorted().toList();
    int rank = (int) Math.ceil(p / 100.0 * sorted.size());
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
  }

  private record Submission(String token, String collectionId) {}
}
