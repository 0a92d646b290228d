package io.emprops.generator.domain.execution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.emprops.events.contract.CollectionSnapshot;
import io.emprops.events.contract.CollectionStatus;
import io.emprops.events.contract.EventJson;
import io.emprops.events.contract.GenerationCompleted;
import io.emprops.events.contract.GenerationFailed;
import io.emprops.events.contract.GenerationProgressed;
import io.emprops.events.contract.GenerationStepCompleted;
import io.emprops.events.contract.Topic;
import io.emprops.events.testing.TopicRecorder;
import io.emprops.generator.api.CreditsServiceStandIn;
import io.emprops.generator.api.StorageServiceStandIn;
import io.emprops.generator.domain.engine.HashSeededPicker;
import io.emprops.generator.domain.job.Job;
import io.emprops.generator.domain.workflow.WorkflowCatalog;
import io.emprops.generator.domain.workflow.WorkflowDraft;
import io.emprops.generator.persistence.CollectionViewRepository;
import io.emprops.generator.persistence.JobRepository;
import io.emprops.generator.persistence.JobStepRepository;
import io.emprops.generator.queue.WorkerSimulator;
import io.emprops.jobqueue.QueueKeys;
import io.emprops.localstack.testing.EmbeddedInfrastructure;
import io.emprops.localstack.testing.SharedInfrastructure;
import io.emprops.web.testing.GatewayCalls;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The generation engine end to end inside the service: a job accepted over HTTP, its credits
 * reserved by a stand-in for credits-service over Kafka, its steps run by simulated workers over
 * the real job-queue protocol in Redis, its outputs stored by a stand-in for storage-service over
 * Kafka, and its outcome announced on Kafka. Each test uses its own queue service, so workers never
 * claim another test's steps.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "emprops.generator.execution.reconcile-interval=300ms",
    "emprops.generator.execution.reconcile-after=700ms",
    "emprops.generator.execution.dead-worker-grace=1s",
    "emprops.generator.execution.queue-timeout=4s",
    "emprops.generator.execution.max-attempts=2",
    "emprops.generator.execution.storage-timeout=20s",
    "emprops.generator.execution.max-inline-output=4KB",
    "emprops.generator.fetch.allowed-hosts=127.0.0.1",
    "emprops.generator.fetch.allow-private-addresses=true"})
@EmbeddedInfrastructure(app = "generator-service")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JobExecutionTest {

  private static final Duration WAIT = Duration.ofSeconds(30);

  @Autowired Environment environment;
  @Autowired JdbcClient jdbc;
  @Autowired MeterRegistry meters;
  @Autowired CollectionViewRepository collections;
  @Autowired WorkflowCatalog workflows;
  @Autowired JobRepository jobRows;
  @Autowired JobStepRepository jobSteps;
  @Autowired StepDispatcher dispatcher;
  @Autowired org.springframework.transaction.PlatformTransactionManager transactions;
  private final JsonMapper json = JsonMapper.builder().build();
  private final List<WorkerSimulator> workers = new ArrayList<>();
  private GatewayCalls calls;
  private CreditsServiceStandIn credits;
  private StorageServiceStandIn storage;
  private TopicRecorder generations;
  private RedisClient redisClient;
  private StatefulRedisConnection<String, String> redis;

  @BeforeAll
  void start() {
    credits = new CreditsServiceStandIn();
    storage = new StorageServiceStandIn();
    generations = new TopicRecorder(List.of(Topic.GENERATIONS.topicName()));
    redisClient = RedisClient.create(SharedInfrastructure.get().redis().url());
    redis = redisClient.connect();
  }

  @AfterAll
  void stop() throws InterruptedException {
    workers.forEach(WorkerSimulator::close);
    redis.close();
    redisClient.shutdown();
    generations.close();
    storage.close();
    credits.close();
  }

  @BeforeEach
  void connect() {
    calls = new GatewayCalls("http://127.0.0.1:" + environment.getProperty("local.server.port"),
        environment.getProperty("emprops.internal.secret"));
  }

  // --- the scenarios ---------------------------------------------------------------------------

  @Test
  void twoGenerationsOfTwoStepsRunInDependencyOrderAndHandOutputsToTheirDependants() {
    Scenario s = new Scenario(2);
    WorkerSimulator worker = s.worker("w-a");

    // Only the first step of each generation can run: the second takes its output.
    String first = s.claim(worker);
    String second = s.claim(worker);
    assertThat(s.pendingOfService()).as("step 2 waits for step 1").isEmpty();
    assertThat(field(first, "workflow_id")).isEqualTo(s.jobId.toString());
    assertThat(field(first, "total_steps")).isEqualTo("4");
    worker.start(first);
    worker.progress(first, 50, "halfway");
    worker.complete(first, image("https://cdn.test/" + first + ".png"));
    worker.complete(second, image("https://cdn.test/" + second + ".png"));

    String refined = s.claim(worker);
    JsonNode payload = json.readTree(field(refined, "payload"));
    String sameGeneration = generationOf(first) == generationOf(refined) ? first : second;
    assertThat(generationOf(sameGeneration)).isEqualTo(generationOf(refined));
    assertThat(payload.get("init_image").asString()).as("the $ref became step 1's output of the same generation")
        .isEqualTo("https://cdn.test/" + sameGeneration + ".png");
    assertThat(payload.get("prompt").asString()).isEqualTo("refine");
    worker.complete(refined, image("https://cdn.test/" + refined + ".png"));
    String last = s.claim(worker);
    worker.complete(last, image("https://cdn.test/" + last + ".png"));

    JsonNode job = s.awaitStatus("completed");
    assertThat(job.get("progress").asInt()).isEqualTo(100);
    assertThat(job.get("outputs")).hasSize(4).allSatisfy(output -> {
      assertThat(output.get("status").asString()).isEqualTo("stored");
      assertThat(output.get("asset_id").asString()).isNotBlank();
      assertThat(output.get("url").asString()).startsWith(StorageServiceStandIn.CDN);
      assertThat(storage.sourceOf(output.get("url").asString())).startsWith("https://cdn.test/");
    });
    assertThat(job.get("data").get("outputs")).hasSize(4);
    assertThat(job.get("workflow_output").asString()).startsWith(StorageServiceStandIn.CDN);
    GenerationCompleted completed = s.event(GenerationCompleted.class);
    assertThat(completed.amountSpent()).as("2 generations x (1 + 2)").isEqualTo(6);
    assertThat(completed.outputs()).hasSize(4).allSatisfy(output -> {
      assertThat(output.assetId()).isNotNull();
      assertThat(output.url()).startsWith(StorageServiceStandIn.CDN);
    });
    assertThat(s.eventCount("GenerationStepCompleted.v1")).isEqualTo(4);
    assertThat(s.eventCount("GenerationStarted.v1")).isEqualTo(1);
    // Every output carries its generation's input as planned at acceptance: the hash, and each
    // variable's value (the text default, the pick drawn from that hash).
    JsonNode plan = json.readTree(jobRows.plan(s.jobId));
    List<GenerationStepCompleted> outputs = s.events(GenerationStepCompleted.class);
    assertThat(outputs).hasSize(4).allSatisfy(output -> {
      JsonNode planned = plan.get("generations").get(output.generation());
      assertThat(output.hash()).matches("0x[0-9a-f]{64}").isEqualTo(planned.get("hash").asString());
      assertThat(output.variables()).isEqualTo(planned.get("variables"));
      assertThat(output.variables().get("subject").asString()).isEqualTo("fox");
      assertThat(output.variables().get("mood").asString())
          .isEqualTo(HashSeededPicker.pick(output.hash(), "mood", List.of("calm", "wild"), List.of(1.0, 1.0)));
    });
    assertThat(outputs.stream().map(GenerationStepCompleted::hash).distinct()).as("one hash per generation").hasSize(2);
    List<String> names = s.historyEvents();
    assertThat(names).startsWith("job_status", "job_status").endsWith("job_completed");
    assertThat(names.stream().filter("image_generated"::equals)).hasSize(4);
    assertThat(names.stream().filter("image_stored"::equals)).hasSize(4);
    assertThat(names.indexOf("node_started")).isLessThan(names.indexOf("node_completed"));
    assertThat(s.history().toString() + job).as("the workers' own locations are never shown")
        .doesNotContain("https://cdn.test/");
  }

  @Test
  void aFetchApiStepCallsTheAllowListedApiAndHandsItsOutputToAQueueStep() throws Exception {
    com.sun.net.httpserver.HttpServer api = com.sun.net.httpserver.HttpServer.create(
        new java.net.InetSocketAddress("127.0.0.1", 0), 0);
    List<String> prompts = new java.util.concurrent.CopyOnWriteArrayList<>();
    api.createContext("/v1/images", exchange -> {
      prompts.add(json.readTree(exchange.getRequestBody().readAllBytes()).get("prompt").asString());
      byte[] body = "{\"data\": [{\"url\": \"https://img.test/fetched.png\"}]}".getBytes();
      replyJson(exchange, 200, body);
    });
    api.start();
    try {
      String fetcher = imageFetchWorkflow(api);
      Scenario s = new Scenario(1, true, fetcher);
      WorkerSimulator worker = s.worker("w-after-fetch");
      String refine = s.claim(worker);
      assertThat(json.readTree(field(refine, "payload")).get("init_image").asString())
          .isEqualTo("https://img.test/fetched.png");
      worker.complete(refine, image("https://cdn.test/refined.png"));

      JsonNode job = s.awaitStatus("completed");
      assertThat(prompts).containsExactly("a fox");
      assertThat(sources(job)).containsExactly("https://img.test/fetched.png", "https://cdn.test/refined.png");
      assertThat(s.event(GenerationCompleted.class).amountSpent()).isEqualTo(5);
    } finally {
      api.stop(0);
    }
  }

  @Test
  void aFetchApiStepToAHostOffTheAllowListFailsTheJobWithoutCallingIt() {
    String fetcher = "fetch-" + UUID.randomUUID().toString().substring(0, 8);
    workflows.create(new WorkflowDraft(fetcher, "test", "fetch_api", json.readTree("""
        {"template": {"method": "GET", "url": "http://169.254.169.254/latest/meta-data/"},
         "fields": [{"name": "prompt", "type": "text", "required": true}],
         "output": {"json_path": "$.x"}}"""), null, 3L, List.of(), true));
    Scenario s = new Scenario(1, false, fetcher);
    JsonNode job = s.awaitStatus("failed");
    assertThat(job.get("error").asString()).contains("169.254.169.254").contains("allow-list");
  }

  @Test
  void aFetchApiStepIsRetriedWithGrowingBackoffWhileTheApiFailsRetryablyAndGivesUpAfterThreeAttempts() throws Exception {
    com.sun.net.httpserver.HttpServer api = com.sun.net.httpserver.HttpServer.create(
        new java.net.InetSocketAddress("127.0.0.1", 0), 0);
    List<Long> calls = new java.util.concurrent.CopyOnWriteArrayList<>();
    java.util.concurrent.atomic.AtomicInteger failuresLeft = new java.util.concurrent.atomic.AtomicInteger(2);
    api.createContext("/v1/images", exchange -> {
      calls.add(System.nanoTime());
      boolean fail = failuresLeft.getAndDecrement() > 0;
      byte[] body = (fail ? "{\"error\": \"overloaded\"}" : "{\"data\": [{\"url\": \"https://img.test/third.png\"}]}")
          .getBytes();
      replyJson(exchange, fail ? 503 : 200, body);
    });
    api.start();
    try {
      String fetcher = imageFetchWorkflow(api);

      // Two 503s, then an answer: the third attempt's output is the step's.
      Scenario recovered = new Scenario(1, false, fetcher);
      JsonNode job = recovered.awaitStatus("completed");
      assertThat(sources(job)).containsExactly("https://img.test/third.png");
      assertThat(calls).hasSize(3);
      assertThat(Duration.ofNanos(calls.get(1) - calls.get(0))).as("first backoff").isGreaterThanOrEqualTo(Duration.ofMillis(500));
      assertThat(Duration.ofNanos(calls.get(2) - calls.get(1))).as("second backoff, longer").isGreaterThanOrEqualTo(Duration.ofMillis(1000));

      // Failing on every attempt: the job fails after the third, with the API's answer.
      calls.clear();
      failuresLeft.set(Integer.MAX_VALUE);
      Scenario exhausted = new Scenario(1, false, fetcher);
      JsonNode failed = exhausted.awaitStatus("failed");
      assertThat(calls).hasSize(3);
      assertThat(failed.get("error").asString()).contains("503");
    } finally {
      api.stop(0);
    }
  }

  @Test
  void aRetryableFailureIsRetriedByTheQueueAndTheJobStillCompletes() {
    Scenario s = new Scenario(1, false);
    WorkerSimulator flaky = s.worker("w-flaky");
    String step = s.claim(flaky);
    flaky.failRetryably(step);
    WorkerSimulator steady = s.worker("w-steady");
    assertThat(s.claim(steady)).as("the queue hands the same step out again").isEqualTo(step);
    steady.complete(step, image("https://cdn.test/retry.png"));

    JsonNode job = s.awaitStatus("completed");
    assertThat(sources(job)).containsExactly("https://cdn.test/retry.png");
  }

  @Test
  void aPermanentFailureFailsTheJobAndChargesOnlyTheCompletedWork() {
    Scenario s = new Scenario(2);
    WorkerSimulator worker = s.worker("w-b");
    String a = s.claim(worker);
    String b = s.claim(worker);
    worker.complete(a, image("https://cdn.test/a.png"));
    String dependant = s.claim(worker);
    worker.failPermanently(b, "{\"message\":\"CUDA out of memory\"}");

    JsonNode job = s.awaitStatus("failed");
    assertThat(job.get("error_code").asString()).isEqualTo("GENERATION_FAILED");
    assertThat(job.get("error").asString()).contains("CUDA out of memory");
    GenerationFailed failed = s.event(GenerationFailed.class);
    assertThat(failed.code()).isEqualTo("GENERATION_FAILED");
    assertThat(failed.amountSpent()).as("only step 1 of one generation completed").isEqualTo(1);
    assertThat(field(dependant, "status")).as("the job's other running step is cancelled in the queue")
        .isEqualTo("failed");
    assertThat(s.historyEvents()).last().isEqualTo("job_failed");
  }

  @Test
  void aFailedJobIsRetriedFromItsFailedStepReusingAndNotRechargingCompletedWork() {
    Scenario s = new Scenario(1);
    WorkerSimulator worker = s.worker("w-retry");
    String first = s.claim(worker);
    worker.complete(first, image("https://cdn.test/kept.png"));
    String refine = s.claim(worker);
    worker.failPermanently(refine, "transient GPU fault");
    s.awaitStatus("failed");

    java.net.http.HttpResponse<String> response = calls.post("/jobs/" + s.jobId + "/retry", GatewayCalls.user(s.user), "");
    assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
    UUID retryId = UUID.fromString(json.readTree(response.body()).get("data").get("job_id").asString());
    assertThat(retryId).isNotEqualTo(s.jobId);
    Scenario retry = s.following(retryId);
    assertThat(retry.event(io.emprops.events.contract.GenerationRequested.class).amount())
        .as("only the failed step (cost 2) is reserved again").isEqualTo(2);

    String again = retry.claim(worker);
    assertThat(json.readTree(field(again, "payload")).get("init_image").asString())
        .as("the completed step's output is reused").isEqualTo("https://cdn.test/kept.png");
    worker.complete(again, image("https://cdn.test/refined.png"));
    JsonNode done = retry.awaitStatus("completed");
    assertThat(sources(done)).as("the completed step's stored output is reused")
        .containsExactly("https://cdn.test/kept.png", "https://cdn.test/refined.png");
    assertThat(retry.event(GenerationCompleted.class).amountSpent()).isEqualTo(2);

    java.net.http.HttpResponse<String> repeated = calls.post("/jobs/" + s.jobId + "/retry", GatewayCalls.user(s.user), "");
    assertThat(json.readTree(repeated.body()).get("data").get("job_id").asString())
        .as("a failed job has one retry").isEqualTo(retryId.toString());
    assertThat(calls.post("/jobs/" + retryId + "/retry", GatewayCalls.user(s.user), "").statusCode())
        .as("a completed job cannot be retried").isEqualTo(409);
    assertThat(calls.post("/jobs/" + s.jobId + "/retry", GatewayCalls.user("someone-else"), "").statusCode())
        .isEqualTo(404);
  }

  @Test
  void aJobCompletesOnlyOnceEveryOutputIsStoredAndItsStreamSaysWhenEachIs() {
    Scenario s = new Scenario(2, false);
    WorkerSimulator worker = s.worker("w-storing");
    String quickUrl = "https://cdn.test/" + s.service + "/quick.png";
    String slowUrl = "https://cdn.test/" + s.service + "/slow-to-store.png";
    storage.silent.add(slowUrl);
    String a = s.claim(worker);
    String b = s.claim(worker);
    worker.complete(a, image(quickUrl));
    worker.complete(b, image(slowUrl));

    // Every step completed; one output is durable, the other is still being stored: not completed.
    await().atMost(WAIT).until(() -> storage.holds(slowUrl) && s.historyEvents().contains("image_stored"));
    await().atMost(WAIT).until(() -> s.historyMessages().stream().anyMatch(m -> m.contains("steps completed; storing")));
    JsonNode waiting = s.job();
    assertThat(waiting.get("status").asString()).isEqualTo("processing");
    assertThat(waiting.get("progress").asInt()).isEqualTo(100);
    assertThat(waiting.get("outputs")).extracting(o -> o.get("status").asString())
        .containsExactlyInAnyOrder("stored", "storing");
    JsonNode storing = outputWithStatus(waiting, "storing");
    assertThat(storing.get("url").isNull()).as("no URL before it is durable").isTrue();
    assertThat(storing.get("asset_id").isNull()).isTrue();
    assertThat(storage.sourceOf(outputWithStatus(waiting, "stored").get("url").asString())).isEqualTo(quickUrl);
    assertThat(s.eventCount("GenerationCompleted.v1")).isZero();

    assertThat(storage.store(slowUrl)).isTrue();
    JsonNode job = s.awaitStatus("completed");
    assertThat(sources(job)).containsExactlyInAnyOrder(quickUrl, slowUrl);
    List<String> assets = new ArrayList<>();
    job.get("outputs").forEach(o -> assets.add(o.get("asset_id").asString()));
    assertThat(assets).doesNotHaveDuplicates().doesNotContainNull();
    // The stream told each image's asset as it was stored, then the job's end with every asset.
    List<JsonNode> stored = s.historyData("image_stored");
    assertThat(stored).extracting(e -> e.get("asset_id").asString()).containsExactlyInAnyOrderElementsOf(assets);
    assertThat(stored).allSatisfy(e -> {
      assertThat(e.get("status").asString()).isEqualTo("stored");
      assertThat(e.get("url").asString()).startsWith(StorageServiceStandIn.CDN);
      assertThat(e.get("index").asInt()).isZero();
    });
    assertThat(s.historyData("image_generated")).allSatisfy(e -> {
      assertThat(e.get("url").isNull()).isTrue();
      assertThat(e.get("status").asString()).isEqualTo("storing");
    });
    assertThat(s.historyData("job_completed").getFirst().get("outputs"))
        .extracting(o -> o.get("asset_id").asString()).containsExactlyElementsOf(assets);
    assertThat(s.historyEvents()).last().isEqualTo("job_completed");
    assertThat(s.event(GenerationCompleted.class).outputs()).extracting(o -> o.assetId().toString())
        .containsExactlyElementsOf(assets);
  }

  @Test
  void inlineImagesGoToStorageOnlyAndNeverReachClients() throws Exception {
    byte[] png = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R', 7, 7, 7};
    String base64 = java.util.Base64.getEncoder().encodeToString(png);
    Scenario s = new Scenario(1, true);
    WorkerSimulator worker = s.worker("w-inline");
    String first = s.claim(worker);
    worker.complete(first, WorkerSimulator.inlineImage(png, "image/png"));
    String refine = s.claim(worker);
    assertThat(json.readTree(field(refine, "payload")).get("init_image").asString())
        .as("the next worker still gets the image itself").isEqualTo("data:image/png;base64," + base64);
    worker.complete(refine, WorkerSimulator.inlineImage(png, "image/png"));

    JsonNode job = s.awaitStatus("completed");
    assertThat(s.events(GenerationStepCompleted.class)).extracting(GenerationStepCompleted::outputUrl)
        .as("storage-service gets the image inline").containsOnly("data:image/png;base64," + base64);
    assertThat(job.get("outputs")).hasSize(2).allSatisfy(o -> assertThat(o.get("url").asString()).startsWith(StorageServiceStandIn.CDN));
    String seenByClients = job + "\n" + s.history() + "\n" + s.stream() + "\n"
        + data(calls.get("/jobs?size=100", GatewayCalls.user(s.user))) + "\n"
        + s.event(GenerationCompleted.class).outputs();
    // ("data:" alone begins every SSE data line.)
    assertThat(seenByClients).doesNotContain("data:image").doesNotContain(base64);
  }

  @Test
  void anInlineOutputTooLargeForAnEventFailsAtOnceAndNeverReachesKafka() {
    byte[] large = new byte[4096];
    new java.util.Random(7).nextBytes(large);
    System.arraycopy(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'}, 0, large, 0, 8);
    Scenario s = new Scenario(1, false);
    WorkerSimulator worker = s.worker("w-inline-large");
    String step = s.claim(worker);
    worker.complete(step, WorkerSimulator.inlineImage(large, "image/png"));

    JsonNode job = s.awaitStatus("failed");
    assertThat(job.get("error_code").asString()).isEqualTo("OUTPUT_NOT_STORED");
    assertThat(job.get("error").asString()).contains("returned it inline").contains("max-inline-output");
    assertThat(job.get("outputs").get(0).get("status").asString()).isEqualTo("failed");
    assertThat(s.historyEvents()).containsSubsequence("image_generated", "image_store_failed", "job_failed");
    assertThat(s.event(GenerationFailed.class).amountSpent()).isZero();
    assertThat(s.eventCount("GenerationStepCompleted.v1")).as("nothing too large for Kafka was published").isZero();
  }

  @Test
  void anOutputThatWillNotBeStoredFailsTheJobWhichIsChargedOnlyForStoredWorkAndRetriedForTheRest() {
    Scenario s = new Scenario(2, false);
    WorkerSimulator worker = s.worker("w-refused");
    String keptUrl = "https://cdn.test/" + s.service + "/kept.png";
    String refusedUrl = "https://refused.test/" + s.service + ".png";
    storage.refused.add(refusedUrl);
    String a = s.claim(worker);
    String b = s.claim(worker);
    worker.complete(a, image(keptUrl));
    worker.complete(b, image(refusedUrl));

    JsonNode job = s.awaitStatus("failed");
    assertThat(job.get("error_code").asString()).isEqualTo("OUTPUT_NOT_STORED");
    assertThat(job.get("error").asString()).contains("1 of 2 output(s) could not be stored")
        .contains("not on the output allow-list");
    JsonNode failedOutput = outputWithStatus(job, "failed");
    assertThat(failedOutput.get("url").isNull()).isTrue();
    assertThat(failedOutput.get("error").asString()).contains("REFUSED").contains("not on the output allow-list");
    assertThat(storage.sourceOf(outputWithStatus(job, "stored").get("url").asString())).isEqualTo(keptUrl);
    assertThat(s.historyEvents()).contains("image_store_failed").last().isEqualTo("job_failed");
    assertThat(s.historyData("image_store_failed").getFirst().get("error").asString()).contains("allow-list");
    GenerationFailed failed = s.event(GenerationFailed.class);
    assertThat(failed.code()).isEqualTo("OUTPUT_NOT_STORED");
    assertThat(failed.amountSpent()).as("only the generation whose image was stored").isEqualTo(1);

    // The retry runs the step whose image was not stored again, and reuses the other.
    storage.refused.remove(refusedUrl);
    java.net.http.HttpResponse<String> response = calls.post("/jobs/" + s.jobId + "/retry", GatewayCalls.user(s.user), "");
    assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
    Scenario retry = s.following(UUID.fromString(json.readTree(response.body()).get("data").get("job_id").asString()));
    assertThat(retry.event(io.emprops.events.contract.GenerationRequested.class).amount()).isEqualTo(1);
    String again = retry.claim(worker);
    String secondTry = "https://cdn.test/" + s.service + "/second-try.png";
    worker.complete(again, image(secondTry));
    JsonNode done = retry.awaitStatus("completed");
    assertThat(sources(done)).containsExactlyInAnyOrder(keptUrl, secondTry);
    assertThat(retry.event(GenerationCompleted.class).amountSpent()).isEqualTo(1);
  }

  @Test
  void aRetryReusesAnOutputStillBeingStoredAndCompletesOnceItIs() {
    Scenario s = new Scenario(2, false);
    WorkerSimulator worker = s.worker("w-late-asset");
    String lateUrl = "https://cdn.test/" + s.service + "/stored-late.png";
    storage.silent.add(lateUrl);
    String a = s.claim(worker);
    String b = s.claim(worker);
    worker.complete(a, image(lateUrl));
    await().atMost(WAIT).until(() -> storage.holds(lateUrl));
    worker.failPermanently(b, "GPU fault");
    s.awaitStatus("failed");
    assertThat(s.event(GenerationFailed.class).amountSpent()).as("the completed step, its image on its way").isEqualTo(1);

    java.net.http.HttpResponse<String> response = calls.post("/jobs/" + s.jobId + "/retry", GatewayCalls.user(s.user), "");
    assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
    Scenario retry = s.following(UUID.fromString(json.readTree(response.body()).get("data").get("job_id").asString()));
    assertThat(retry.event(io.emprops.events.contract.GenerationRequested.class).amount()).isEqualTo(1);
    String again = retry.claim(worker);
    String rerun = "https://cdn.test/" + s.service + "/rerun.png";
    worker.complete(again, image(rerun));
    await().atMost(WAIT).until(() -> retry.historyMessages().stream().anyMatch(m -> m.contains("steps completed; storing")));
    assertThat(retry.job().get("status").asString()).as("waiting for the reused output").isEqualTo("processing");

    // storage-service answers for the original job's output: the retry's copy follows it.
    assertThat(storage.store(lateUrl)).isTrue();
    JsonNode done = retry.awaitStatus("completed");
    assertThat(sources(done)).containsExactlyInAnyOrder(lateUrl, rerun);
    await().atMost(WAIT).until(() -> s.job().get("outputs").findValuesAsString("status").contains("stored"));
    assertThat(outputWithStatus(s.job(), "stored").get("asset_id").asString())
        .as("the failed original shows it durable too").isIn(done.get("outputs").findValuesAsString("asset_id"));
  }

  @Test
  void anOutputStorageNeverAnswersForFailsAtTheStorageDeadline() {
    Scenario s = new Scenario(1, false);
    WorkerSimulator worker = s.worker("w-unanswered");
    String lostUrl = "https://cdn.test/" + s.service + "/never-answered.png";
    storage.silent.add(lostUrl);
    String step = s.claim(worker);
    worker.complete(step, image(lostUrl));

    await().atMost(Duration.ofSeconds(60)).until(() -> "failed".equals(s.job().get("status").asString()));
    JsonNode job = s.job();
    assertThat(job.get("error_code").asString()).isEqualTo("OUTPUT_NOT_STORED");
    assertThat(job.get("error").asString()).contains("storage-service did not store it within 20s");
    assertThat(job.get("outputs").get(0).get("status").asString()).isEqualTo("failed");
    assertThat(s.event(GenerationFailed.class).amountSpent()).isZero();
    assertThat(value(metrics(), "generator_output_storage_seconds_count")).isPositive();
  }

  @Test
  void aStepWhoseWorkerDiesIsResubmittedUnderANewIdAndCompletedByAnother() {
    Scenario s = new Scenario(1, false);
    WorkerSimulator doomed = s.worker("w-doomed");
    String step = s.claim(doomed);
    doomed.start(step);
    doomed.die();

    WorkerSimulator rescuer = s.worker("w-rescuer");
    String again = await().atMost(WAIT).until(() -> rescuer.claim().orElse(null), id -> id != null);
    assertThat(again).as("a resubmission never reuses a step id").isNotEqualTo(step);
    assertThat(field(again, "workflow_id")).isEqualTo(s.jobId.toString());
    // The dead worker's step is given up as the queue records a failure, not as a user's cancel.
    assertThat(field(step, "status")).isEqualTo("failed");
    assertThat(field(step, "error")).startsWith("Abandoned by EmProps: worker " + doomed.workerId())
        .contains("resubmitted as " + again).isNotEqualTo("Job cancelled by user");
    JsonNode failure = json.readTree(redis.sync().hget(QueueKeys.FAILED, step));
    assertThat(failure.get("error").asString()).isEqualTo(field(step, "error"));
    assertThat(failure.get("failed_at").asString()).isNotBlank();
    assertThat(failure.has("retry_count")).isTrue();
    assertThat(doomed.holds(step)).as("taken out of the worker's active set").isFalse();
    rescuer.complete(again, image("https://cdn.test/rescued.png"));
    // The dead worker's step, should it ever finish, is not ours any more.
    doomed.complete(step, image("https://cdn.test/zombie.png"));

    JsonNode job = s.awaitStatus("completed");
    assertThat(sources(job)).containsExactly("https://cdn.test/rescued.png");
    assertThat(s.historyMessages()).anyMatch(m -> m.contains("w-doomed") && m.contains("resubmitted"));
  }

  @Test
  void aStepWhoseWorkersKeepDyingFailsTheJobOnceItUsedItsAttempts() {
    Scenario s = new Scenario(1, false);
    WorkerSimulator first = s.worker("w-first-to-die");
    String step = s.claim(first);
    first.start(step);
    first.die();

    WorkerSimulator second = s.worker("w-second-to-die");
    String again = await().atMost(WAIT).until(() -> second.claim().orElse(null), id -> id != null);
    assertThat(again).isNotEqualTo(step);
    second.start(again);
    second.die();

    // max-attempts is 2 here: the second death is the last.
    JsonNode job = s.awaitStatus("failed");
    assertThat(job.get("error").asString()).contains("stopped heartbeating").contains("after 2 attempts");
    assertThat(field(again, "status")).isEqualTo("failed");
    assertThat(field(again, "error")).startsWith("Abandoned by EmProps:").endsWith("the job failed");
    assertThat(s.pendingOfService()).as("nothing left in the queue").isEmpty();
    assertThat(s.event(GenerationFailed.class).amountSpent()).isZero();
  }

  @Test
  void aStepNoWorkerServesFailsTheJobAfterTheQueueTimeout() {
    Scenario s = new Scenario(1, false);
    JsonNode job = s.awaitStatus("failed");
    assertThat(job.get("error").asString()).contains("no worker for service '" + s.service + "'");
    assertThat(s.pendingOfService()).as("the abandoned step is taken out of the queue").isEmpty();
    String abandoned = s.submittedSteps().getFirst();
    assertThat(json.readTree(redis.sync().hget(QueueKeys.FAILED, abandoned)).get("error").asString())
        .isEqualTo("Abandoned by EmProps: no worker for service '" + s.service + "' took it within 4s");
    assertThat(s.event(GenerationFailed.class).amountSpent()).isZero();
  }

  @Test
  void duplicateAndOutOfOrderTerminalMessagesCountOnce() {
    Scenario s = new Scenario(1, false);
    WorkerSimulator worker = s.worker("w-dup");
    String step = s.claim(worker);
    ObjectNode output = image("https://cdn.test/once.png");
    long handledBefore = queueMessagesHandled();
    worker.complete(step, output);
    worker.publishCompletion(step, output);
    worker.publishCompletion(step, output);
    // A failure message after the completion (out of order) changes nothing either.
    redis.sync().publish(QueueKeys.CHANNEL_FAILED,
        "{\"job_id\":\"" + step + "\",\"worker_id\":\"w-dup\",\"error\":\"late\",\"can_retry\":false}");

    s.awaitStatus("completed");
    // Sync point: all four messages about the step have been handled (at least).
    await().atMost(WAIT).until(() -> queueMessagesHandled() >= handledBefore + 4);
    assertThat(s.eventCount("GenerationStepCompleted.v1")).isEqualTo(1);
    assertThat(s.eventCount("GenerationCompleted.v1")).isEqualTo(1);
    assertThat(s.eventCount("GenerationFailed.v1")).isZero();
    assertThat(s.historyEvents().stream().filter("node_completed"::equals)).hasSize(1);
  }

  @Test
  void cancellingARunningJobStopsItsStepsAndALateCompletionIsIgnored() {
    Scenario s = new Scenario(2, false);
    WorkerSimulator worker = s.worker("w-cancel");
    String running = s.claim(worker);
    worker.start(running);
    worker.complete(running, image("https://cdn.test/before-cancel.png"));
    String other = s.claim(worker);
    worker.start(other);

    JsonNode cancelled = data(calls.post("/jobs/" + s.jobId + "/cancel", GatewayCalls.user(s.user), ""));
    assertThat(cancelled.get("status").asString()).isEqualTo("cancelled");
    await().atMost(WAIT).until(() -> "failed".equals(field(other, "status")));
    assertThat(redis.sync().hget(QueueKeys.job(other), "error")).isEqualTo("Job cancelled by user");

    // The worker ignores the cancel and finishes anyway; checked once its message was handled.
    long handledBefore = queueMessagesHandled();
    worker.complete(other, image("https://cdn.test/too-late.png"));
    await().atMost(WAIT).until(() -> queueMessagesHandled() > handledBefore);
    JsonNode job = s.job();
    assertThat(job.get("status").asString()).isEqualTo("cancelled");
    assertThat(job.get("outputs")).hasSize(1);
    // Waits for the relay: the event was committed with the cancel, its arrival is not (it once
    // lagged behind the late completion's handling on a loaded CI machine).
    JsonNode cancelledEvent = s.event("GenerationCancelled.v1");
    assertThat(s.eventCount("GenerationCancelled.v1")).isEqualTo(1);
    assertThat(cancelledEvent.get("amount_spent").asLong())
        .as("the step completed before the cancel is charged").isEqualTo(1);
  }

  @Test
  void progressIsThrottledPerJobButEveryStateChangeArrives() {
    Scenario s = new Scenario(1, false);
    WorkerSimulator worker = s.worker("w-chatty");
    String step = s.claim(worker);
    worker.start(step);
    Instant began = Instant.now();
    for (int p = 1; p <= 40; p++) {
      worker.progress(step, p * 2, "sampling " + p);
    }
    long elapsedMs = Duration.between(began, Instant.now()).toMillis();
    worker.complete(step, image("https://cdn.test/chatty.png"));
    s.awaitStatus("completed");

    long progressEvents = s.historyEvents().stream().filter("node_progress"::equals).count();
    assertThat(progressEvents).as("40 updates in %d ms at most 4/s, and the last one", elapsedMs)
        .isBetween(1L, elapsedMs / 250 + 3);
    List<JsonNode> delivered = s.historyData("node_progress");
    assertThat(delivered.getLast().get("progress").asInt()).as("the burst's last value is delivered").isEqualTo(80);
    assertThat(s.historyEvents()).contains("node_started", "node_completed", "image_generated", "job_completed");
    // Each progress event of the stream is also GenerationProgressed on Kafka (webhooks' job.progress).
    await().atMost(WAIT).until(() -> s.eventCount("GenerationProgressed.v1") == progressEvents);
    List<GenerationProgressed> published = s.events(GenerationProgressed.class);
    assertThat(published).extracting(GenerationProgressed::stepProgress)
        .containsExactlyElementsOf(delivered.stream().map(d -> d.get("progress").asInt()).toList());
    GenerationProgressed last = published.getLast();
    assertThat(last.userId()).isEqualTo(s.user);
    assertThat(last.message()).isEqualTo("sampling 40");
    assertThat(last.progress()).isEqualTo(delivered.getLast().get("job_progress").asInt());
  }

  @Test
  void aJobsProgressCountsCompletedStepsWholeAndRunningOnesByTheirProgress() {
    Scenario s = new Scenario(2, false);
    WorkerSimulator worker = s.worker("w-half");
    String step = s.claim(worker);
    worker.start(step);
    // Re-sent until one falls outside the throttle window the claim's own progress message opened.
    await().atMost(WAIT).until(() -> {
      worker.progress(step, 40, "sampling");
      return s.job().get("progress").asInt() == 20;
    });
    List<JsonNode> progress = s.historyData("node_progress");
    JsonNode lastProgress = progress.isEmpty() ? null : progress.getLast();
    assertThat(lastProgress).isNotNull();
    assertThat(lastProgress.get("progress").asInt()).isEqualTo(40);
    assertThat(lastProgress.get("job_progress").asInt()).as("one step of two at 40 %").isEqualTo(20);

    worker.complete(step, image("https://cdn.test/half.png"));
    await().atMost(WAIT).until(() -> s.job().get("progress").asInt() == 50);
    assertThat(s.job().get("status").asString()).isEqualTo("processing");
  }

  @Test
  void aProgressMessageStartsAStepWhoseClaimWasNotSeen() {
    Scenario s = new Scenario(1, false);
    WorkerSimulator worker = s.worker("w-unannounced");
    String step = await().atMost(WAIT).until(() -> worker.claimUnannounced().orElse(null), id -> id != null);
    worker.start(step);
    worker.progress(step, 30, "sampling");

    await().atMost(WAIT).until(() -> s.historyEvents().contains("node_progress"));
    assertThat(s.historyEvents()).containsSubsequence("node_started", "node_progress");
    JsonNode started = s.historyData("node_started").getFirst();
    assertThat(started.get("worker_id").asString()).isEqualTo(worker.workerId());
    assertThat(s.job().get("status").asString()).isEqualTo("processing");
    assertThat(s.job().get("progress").asInt()).isEqualTo(30);

    worker.complete(step, image("https://cdn.test/unannounced.png"));
    s.awaitStatus("completed");
  }

  @Test
  void lostMessagesAreReconciledFromTheQueuesHashes() {
    Scenario s = new Scenario(1, false);
    WorkerSimulator worker = s.worker("w-quiet");
    String step = s.claim(worker);
    // The worker records its completion but the message never arrives (as after a reconnect).
    redis.sync().hset(QueueKeys.job(step), java.util.Map.of("status", "completed", "completed_at", Instant.now().toString()));
    redis.sync().hset(QueueKeys.COMPLETED, step,
        "{\"success\":true,\"data\":{\"image_url\":\"https://cdn.test/silent.png\",\"mime_type\":\"image/png\"}}");

    JsonNode job = s.awaitStatus("completed");
    assertThat(sources(job)).containsExactly("https://cdn.test/silent.png");
    assertThat(job.get("outputs").get(0).get("mime_type").asString()).isEqualTo("image/png");
  }

  @Test
  void aStepWhoseHashTheQueueLostIsResubmittedUnderANewIdAndCompletes() {
    Scenario s = new Scenario(1, false);
    WorkerSimulator worker = s.worker("w-amnesia");
    String step = s.claim(worker);
    // The queue forgets the step entirely (a flushed or failed-over Redis without persistence).
    redis.sync().del(QueueKeys.job(step));
    redis.sync().hdel(QueueKeys.activeJobs(worker.workerId()), step);

    String again = await().atMost(WAIT).until(() -> worker.claim().orElse(null), id -> id != null);
    assertThat(again).as("resubmitted under a new id").isNotEqualTo(step);
    assertThat(field(again, "workflow_id")).isEqualTo(s.jobId.toString());
    worker.complete(again, image("https://cdn.test/after-loss.png"));

    JsonNode job = s.awaitStatus("completed");
    assertThat(sources(job)).containsExactly("https://cdn.test/after-loss.png");
    assertThat(s.historyMessages()).anyMatch(m -> m.contains("the job queue lost the step"));
  }

  @Test
  void aFailureOnlyTheQueuesHashRecordsFailsTheStepWithTheQueuesReason() {
    Scenario s = new Scenario(1, false);
    WorkerSimulator worker = s.worker("w-mute");
    String step = s.claim(worker);
    // The worker's failure reaches the hash and jobs:failed, but its message is lost.
    String now = Instant.now().toString();
    redis.sync().hset(QueueKeys.job(step), java.util.Map.of("status", "failed", "failed_at", now));
    redis.sync().hset(QueueKeys.FAILED, step,
        "{\"error\": \"CUDA out of memory\", \"failed_at\": \"" + now + "\", \"retry_count\": 3}");

    JsonNode job = s.awaitStatus("failed");
    assertThat(job.get("error").asString()).contains("CUDA out of memory");
    assertThat(s.event(GenerationFailed.class).amountSpent()).isZero();
  }

  @Test
  void theQueueBridgeRelayAndSagaAreVisibleInPrometheus() {
    Scenario s = new Scenario(1, false);
    WorkerSimulator worker = s.worker("w-metrics");
    String step = s.claim(worker);
    worker.progress(step, 40, "sampling");
    await().atMost(WAIT).until(() -> metrics().contains("generator_steps_in_flight"));
    worker.complete(step, image("https://cdn.test/metrics.png"));
    s.awaitStatus("completed");

    String metrics = metrics();
    assertThat(metrics.lines().filter(l -> l.startsWith("generator_jobs_active{"))).anyMatch(l -> l.contains("status=\"processing\""));
    assertThat(metrics).contains(
        "generator_job_oldest_active_age_seconds", "generator_job_events_published_total",
        "generator_job_events_relay_latency_seconds");
    // Per message type: handled, and waiting in its lane.
    assertThat(metrics.lines()).anyMatch(l -> l.startsWith("generator_queue_messages_seconds_count{")
        && l.contains("type=\"completed\""));
    assertThat(metrics.lines()).anyMatch(l -> l.startsWith("generator_queue_message_wait_seconds_count{")
        && l.contains("type=\"progress\""));
    assertThat(value(metrics, "generator_steps_submitted_total")).isPositive();
  }

  @Test
  void outputsAreFoundInEveryShapeRealWorkersReturn() {
    byte[] png = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R'};
    record Shape(JsonNode data, WorkerSimulator.Nesting nesting, List<String> urls, List<String> types) {}
    List<Shape> shapes = List.of(
        new Shape(WorkerSimulator.imageUrl("https://cdn.test/real.png", "image/png"), WorkerSimulator.Nesting.REAL_WORKER,
            List.of("https://cdn.test/real.png"), List.of("image/png")),
        new Shape(WorkerSimulator.mockConnector("https://mock.test/results/1.png"), WorkerSimulator.Nesting.REAL_WORKER,
            List.of("https://mock.test/results/1.png"), List.of("image/png")),
        new Shape(WorkerSimulator.inlineImage(png, null), WorkerSimulator.Nesting.REAL_WORKER,
            List.of("data:image/png;base64," + java.util.Base64.getEncoder().encodeToString(png)), List.of("image/png")),
        new Shape(WorkerSimulator.imageList("https://cdn.test/a.png", "https://cdn.test/b.png"),
            WorkerSimulator.Nesting.REAL_WORKER, List.of("https://cdn.test/a.png", "https://cdn.test/b.png"),
            List.of("image/png", "image/png")),
        new Shape(WorkerSimulator.imageUrl("https://cdn.test/flat.jpg", "image/jpeg"), WorkerSimulator.Nesting.FLAT,
            List.of("https://cdn.test/flat.jpg"), List.of("image/jpeg")),
        new Shape(WorkerSimulator.imageUrl("https://cdn.test/message.webp", "image/webp"),
            WorkerSimulator.Nesting.MESSAGE_ONLY, List.of("https://cdn.test/message.webp"), List.of("image/webp")));
    for (Shape shape : shapes) {
      Scenario s = new Scenario(1, false);
      WorkerSimulator worker = s.worker("w-shape");
      String step = s.claim(worker);
      worker.complete(step, shape.data(), shape.nesting());

      JsonNode job = s.awaitStatus("completed");
      assertThat(sources(job)).as("%s, %s", shape.data(), shape.nesting()).containsExactlyElementsOf(shape.urls());
      assertThat(job.get("outputs")).extracting(o -> o.get("mime_type").asString()).containsExactlyElementsOf(shape.types());
      assertThat(job.get("outputs")).extracting(o -> o.get("index").asInt())
          .containsExactlyElementsOf(shape.urls().size() == 2 ? List.of(0, 1) : List.of(0));
      assertThat(storage.sourceOf(job.get("workflow_output").asString())).isEqualTo(shape.urls().getLast());
      assertThat(s.event(GenerationCompleted.class).outputs()).hasSize(shape.urls().size());
      List<GenerationStepCompleted> files = s.events(GenerationStepCompleted.class);
      await().atMost(WAIT).until(() -> s.eventCount("GenerationStepCompleted.v1") == shape.urls().size());
      assertThat(s.events(GenerationStepCompleted.class)).extracting(GenerationStepCompleted::outputUrl)
          .containsExactlyElementsOf(shape.urls());
      assertThat(s.events(GenerationStepCompleted.class)).extracting(GenerationStepCompleted::outputIndex)
          .containsExactlyElementsOf(shape.urls().size() == 2 ? List.of(0, 1) : List.of(0));
      if (shape.urls().size() == 2) {
        assertThat(s.events(GenerationStepCompleted.class)).extracting(GenerationStepCompleted::fileName)
            .containsExactly("step-1.png", "step-1-1.png");
      }
      assertThat(files).isNotEmpty();
      assertThat(s.historyEvents().stream().filter("image_generated"::equals)).hasSize(shape.urls().size());
    }
  }

  @Test
  void aResultHoldingNoFileWeRecogniseIsKeptAndReportedNeverAnEmptySuccess() {
    Scenario s = new Scenario(1, false);
    WorkerSimulator worker = s.worker("w-odd");
    String step = s.claim(worker);
    ObjectNode odd = json.createObjectNode().put("text", "a fox at dawn").put("local_path", "/tmp/out.png");
    worker.complete(step, odd);

    JsonNode job = s.awaitStatus("completed");
    assertThat(job.get("outputs")).hasSize(1);
    JsonNode output = job.get("outputs").get(0);
    assertThat(output.get("url").isNull()).isTrue();
    assertThat(output.get("data")).as("the worker's result, as it returned it").isEqualTo(odd);
    JsonNode completed = s.historyData("node_completed").getFirst();
    assertThat(completed.get("output_recognised").asBoolean()).isFalse();
    assertThat(s.historyMessages()).anyMatch(m -> m.contains("no output file we recognise"));
    assertThat(value(metrics(), "generator_step_results_unrecognised_total")).isPositive();
    assertThat(metrics()).contains("generator_step_results_unrecognised_total{application=\"generator-service\",service=\""
        + s.service + "\"}");
  }

  @Test
  void theLastProgressOfEveryBurstArrivesAndTheFinalOneBeforeTheCompletion() {
    Scenario s = new Scenario(1, false);
    WorkerSimulator worker = s.worker("w-bursts");
    // The claim reports 0 %; 10 % follows within milliseconds, as real workers send it.
    String step = s.claim(worker);
    worker.progress(step, 10, "loading");
    await().atMost(WAIT).until(() -> s.historyData("node_progress").stream().anyMatch(p -> p.get("progress").asInt() == 10));

    // A burst far faster than the 250 ms interval: its last value arrives, without another report.
    for (int p = 20; p <= 80; p += 10) {
      worker.progress(step, p, "sampling " + p);
    }
    await().atMost(WAIT).until(() -> s.historyData("node_progress").getLast().get("progress").asInt() == 80);
    assertThat(s.historyData("node_progress").getLast().get("message").asString()).isEqualTo("sampling 80");

    // 100 % a few milliseconds after 80 %, then the completion: 100 % is delivered, before it.
    worker.progress(step, 100, "saving");
    worker.complete(step, image("https://cdn.test/bursts.png"));
    s.awaitStatus("completed");
    List<String> names = s.historyEvents();
    List<JsonNode> progress = s.historyData("node_progress");
    assertThat(progress.getLast().get("progress").asInt()).isEqualTo(100);
    assertThat(progress.getLast().get("job_progress").asInt()).isEqualTo(100);
    assertThat(names.lastIndexOf("node_progress")).isLessThan(names.indexOf("node_completed"));
    assertThat(progress).extracting(p -> p.get("progress").asInt()).as("never backwards, each value once")
        .isSorted().doesNotHaveDuplicates();
    assertThat(progress.size()).as("throttled: fewer events than the 10 reports").isLessThan(10);
  }

  @Test
  void aStepLostByAWorkerRestartedUnderTheSameIdIsResubmittedWhileAHeldOneIsLeftAlone() {
    Scenario s = new Scenario(2, false);
    WorkerSimulator restarting = s.worker("w-restarting");
    WorkerSimulator steady = s.worker("w-steady-holder");
    String lost = s.claim(restarting);
    String held = s.claim(steady);
    restarting.start(lost);
    steady.start(held);
    // Restarted under the same id: a fresh heartbeat, nothing held.
    restarting.restart();

    String again = s.claim(restarting);
    assertThat(again).isNotEqualTo(lost).isNotEqualTo(held);
    assertThat(field(lost, "status")).isEqualTo("failed");
    assertThat(field(lost, "error")).contains("no longer holds it");
    assertThat(s.historyMessages()).anyMatch(m -> m.contains(restarting.workerId()) && m.contains("no longer holds it"));
    // Quiet for the same time, but held by its (alive) worker: still the same submission.
    assertThat(field(held, "status")).isEqualTo("in_progress");
    assertThat(steady.holds(held)).isTrue();

    restarting.complete(again, image("https://cdn.test/after-restart.png"));
    steady.complete(held, image("https://cdn.test/held.png"));
    JsonNode job = s.awaitStatus("completed");
    assertThat(sources(job)).containsExactlyInAnyOrder("https://cdn.test/after-restart.png", "https://cdn.test/held.png");
  }

  @Test
  void onlyAStepSubmittedWhenAllOthersCompletedCarriesTheLastStepNumber() {
    // One generation of two dependent steps: the second runs last and completes the job.
    Scenario sequential = new Scenario(1, true);
    WorkerSimulator worker = sequential.worker("w-numbers");
    String first = sequential.claim(worker);
    assertThat(field(first, "current_step") + "/" + field(first, "total_steps")).isEqualTo("1/2");
    worker.complete(first, image("https://cdn.test/n1.png"));
    String second = sequential.claim(worker);
    assertThat(field(second, "current_step") + "/" + field(second, "total_steps")).isEqualTo("2/2");
    worker.complete(second, image("https://cdn.test/n2.png"));
    sequential.awaitStatus("completed");

    // Two generations of two steps, finishing in any order: no step the queue could see complete
    // while another is unfinished carries 4/4.
    Scenario parallel = new Scenario(2, true);
    WorkerSimulator other = parallel.worker("w-numbers-2");
    String a = parallel.claim(other);
    String b = parallel.claim(other);
    assertThat(List.of(field(a, "current_step"), field(b, "current_step"))).containsOnly("1");
    other.complete(b, image("https://cdn.test/b.png"));
    String bRefine = parallel.claim(other);
    assertThat(field(bRefine, "current_step")).isEqualTo("2");
    other.complete(a, image("https://cdn.test/a.png"));
    String aRefine = parallel.claim(other);
    assertThat(field(aRefine, "current_step")).isEqualTo("3");
    for (String step : List.of(a, b, bRefine, aRefine)) {
      assertThat(field(step, "total_steps")).isEqualTo("4");
    }
    other.complete(aRefine, image("https://cdn.test/ar.png"));
    other.complete(bRefine, image("https://cdn.test/br.png"));
    parallel.awaitStatus("completed");
  }

  @Test
  void theQueuesCallBacksConfirmOnlyWhatItsHashesSay() {
    Scenario s = new Scenario(1, true);
    var queue = GatewayCalls.user("service:job-queue", io.emprops.web.identity.CallerIdentity.JOB_QUEUE_ROLE);
    WorkerSimulator worker = s.worker("w-callbacks");
    String first = s.claim(worker);
    worker.start(first);

    s.awaitStatus("processing");
    // Any job, for the queue; still only the owner's for a user.
    assertThat(data(calls.get("/jobs/" + s.jobId, queue)).get("status").asString()).isEqualTo("processing");
    assertThat(calls.get("/jobs/" + s.jobId, GatewayCalls.user("someone-else")).statusCode()).isEqualTo(404);
    java.net.http.HttpResponse<String> listed = calls.get("/jobs/" + s.jobId + "/steps", queue);
    assertThat(listed.statusCode()).as(listed.body()).isEqualTo(200);
    JsonNode steps = json.readTree(listed.body());
    assertThat(steps.get("steps")).as("where the queue reads them").hasSize(1);
    assertThat(steps.get("data").get("steps")).isEqualTo(steps.get("steps"));
    assertThat(steps.get("steps").get(0).get("step_id").asString()).isEqualTo(first);
    assertThat(steps.get("steps").get(0).get("status").asString()).isEqualTo("in_progress");
    assertThat(steps.get("data").get("total_steps").asInt()).isEqualTo(2);

    // The queue's "recovery" cannot complete what its own hash does not show completed.
    String forged = "{\"output_data\": {\"image_url\": \"https://forged.test/x.png\"}, \"completed_at\": \"2025-01-01T00:00:00Z\","
        + " \"worker_id\": \"w\", \"job_queue_recovery\": true}";
    assertThat(calls.post("/steps/" + first + "/complete", queue, forged).statusCode()).isEqualTo(409);
    java.net.http.HttpResponse<String> early = calls.post("/jobs/" + s.jobId + "/complete", queue, "{}");
    assertThat(early.statusCode()).isEqualTo(409);
    assertThat(json.readTree(early.body()).get("error").asString()).contains("0 of its 2 steps completed");
    // Users never get the call-backs; unknown steps are not found; a body must be an object.
    assertThat(calls.get("/jobs/" + s.jobId + "/steps", GatewayCalls.user(s.user)).statusCode()).isEqualTo(403);
    assertThat(calls.post("/steps/" + first + "/complete", GatewayCalls.user(s.user), "{}").statusCode()).isEqualTo(403);
    assertThat(calls.post("/jobs/" + s.jobId + "/complete", GatewayCalls.user(s.user), "{}").statusCode()).isEqualTo(403);
    assertThat(calls.post("/steps/" + UUID.randomUUID() + "/complete", queue, "{}").statusCode()).isEqualTo(404);
    assertThat(calls.post("/steps/" + first + "/complete", queue, "[1]").statusCode()).isEqualTo(400);

    // The worker completes, and the message is lost: the queue's call confirms it from the hash.
    completeSilently(first, "https://cdn.test/first.png");
    java.net.http.HttpResponse<String> confirmed = calls.post("/steps/" + first + "/complete", queue, forged);
    assertThat(confirmed.statusCode()).as(confirmed.body()).isEqualTo(200);
    assertThat(data(confirmed).get("status").asString()).isEqualTo("completed");
    String second = s.claim(worker);
    completeSilently(second, "https://cdn.test/second.png");
    java.net.http.HttpResponse<String> done = calls.post("/jobs/" + s.jobId + "/complete", queue, "{}");
    assertThat(done.statusCode()).as(done.body()).isEqualTo(200);
    assertThat(data(done).get("status").asString()).as("completed, or storing its outputs").isIn("processing", "completed");
    JsonNode job = s.awaitStatus("completed");
    assertThat(storage.sourceOf(job.get("workflow_output").asString())).isEqualTo("https://cdn.test/second.png");
    assertThat(sources(job)).containsExactly("https://cdn.test/first.png", "https://cdn.test/second.png");
    assertThat(calls.post("/jobs/" + s.jobId + "/complete", queue, "{}").statusCode()).as("idempotent").isEqualTo(200);
    assertThat(s.events(GenerationCompleted.class)).hasSize(1);
  }

  /** A worker's completion in the queue's hashes, its message lost. */
  // --- the reconciler's recovery paths ----------------------------------------------------------

  @Test
  void aStepWhoseProgressStoppedIsResubmittedWhileItsWorkerStillHeartbeats() {
    Scenario s = new Scenario(1, false);
    WorkerSimulator stuck = s.worker("w-stuck");
    String step = s.claim(stuck);
    stuck.start(step);
    // Its last progress is older than stale-progress-after (10 min by default); the worker is alive.
    redis.sync().hset(QueueKeys.progress(step), java.util.Map.of("progress", "40", "status", "in_progress",
        "message", "stuck", "updated_at", Instant.now().minus(Duration.ofMinutes(11)).toString()));

    WorkerSimulator rescuer = s.worker("w-after-stuck");
    String again = await().atMost(WAIT).until(() -> rescuer.claim().orElse(null), id -> id != null);
    assertThat(again).isNotEqualTo(step);
    assertThat(field(again, "workflow_id")).isEqualTo(s.jobId.toString());
    assertThat(field(step, "status")).isEqualTo("failed");
    assertThat(field(step, "error")).startsWith("Abandoned by EmProps: worker " + stuck.workerId())
        .contains("stopped reporting progress");
    assertThat(stuck.holds(step)).isFalse();
    rescuer.complete(again, image("https://cdn.test/after-stale.png"));

    JsonNode job = s.awaitStatus("completed");
    assertThat(sources(job)).containsExactly("https://cdn.test/after-stale.png");
    assertThat(s.historyMessages()).anyMatch(m -> m.contains("stopped reporting progress"));
  }

  @Test
  void aCompletionReadBetweenItsTwoWritesIsReadAgainNotTakenAsACompletionWithoutImages() {
    Scenario s = new Scenario(1, false);
    WorkerSimulator worker = s.worker("w-between-writes");
    String step = s.claim(worker);
    worker.start(step);
    // The worker has written the hash's status and not yet its jobs:completed entry; its
    // complete_job message is lost. (Found by ./run bench storage: 2 of 600 images missing from
    // completed jobs, the reconciler having read steps in this moment.)
    redis.sync().hset(QueueKeys.job(step), java.util.Map.of("status", "completed", "completed_at", Instant.now().toString()));
    // The reconciler's first look at the step: what it found, either way.
    double before = reconciliations("completion_being_written") + reconciliations("completed");
    await().atMost(WAIT).until(() -> reconciliations("completion_being_written") + reconciliations("completed") > before);
    assertThat(s.job().get("status").asString()).as("not completed without its image").isEqualTo("processing");
    completeSilently(step, "https://cdn.test/second-write.png");

    JsonNode job = s.awaitStatus("completed");
    assertThat(sources(job)).containsExactly("https://cdn.test/second-write.png");
  }

  @Test
  void aStepNeverWrittenToTheQueueIsSubmittedByTheReconcilerUnderItsOwnId() {
    Scenario s = new Scenario(1, false);
    String step = await().atMost(WAIT).until(s::submittedSteps, ids -> ids.size() == 1).getFirst();
    // As if the instance stopped between committing the step and writing it to the queue: the row
    // says never submitted (and was just touched), the queue has nothing.
    assertThat(jdbc.sql("UPDATE job_steps SET submitted_at = NULL, updated_at = now() WHERE queue_step_id = ?")
        .param(step).update()).isEqualTo(1);
    redis.sync().zrem(QueueKeys.PENDING, step);
    redis.sync().del(QueueKeys.job(step));
    assertThat(s.pendingOfService()).isEmpty();

    WorkerSimulator worker = s.worker("w-late-submission");
    String claimed = s.claim(worker);
    assertThat(claimed).as("submitted as it was laid out, not as a lost step under a new id").isEqualTo(step);
    worker.complete(claimed, image("https://cdn.test/late-submission.png"));

    JsonNode job = s.awaitStatus("completed");
    assertThat(sources(job)).containsExactly("https://cdn.test/late-submission.png");
    assertThat(s.submittedSteps()).containsExactly(step);
  }

  @Test
  void aStepWhoseJobWasCancelledBeforeItsSubmissionReachedTheQueueIsCancelledThereToo() {
    Scenario s = new Scenario(1, false);
    String step = await().atMost(WAIT).until(s::submittedSteps, ids -> ids.size() == 1).getFirst();
    // Steps are submitted before they are checked (no read between a request and the worker). As
    // if the owner's cancel committed after the step's transaction and gave the step up before the
    // queue had it (which does nothing there): the queue has nothing yet, the rows say cancelled.
    redis.sync().zrem(QueueKeys.PENDING, step);
    redis.sync().del(QueueKeys.job(step));
    jdbc.sql("UPDATE job_steps SET status = 'cancelled', submitted_at = NULL WHERE queue_step_id = ?").param(step).update();
    jdbc.sql("UPDATE jobs SET status = 'cancelled' WHERE id = ?").param(s.jobId).update();
    JobStep cancelled = jobSteps.bySubmission(step).orElseThrow();
    Job job = jobRows.find(s.jobId).orElseThrow();

    // The step's transaction commits; its submission is written to the queue only now.
    new TransactionTemplate(transactions).executeWithoutResult(tx -> dispatcher.dispatchPreparedAfterCommit(job,
        new JobStepRepository.Counts(1, 0, 0), List.of(new JobStepRepository.Prepared(cancelled, step,
            json.readTree("{\"prompt\": \"late\"}")))));

    await().atMost(WAIT).untilAsserted(() -> assertThat(redis.sync().hget(QueueKeys.job(step), "error"))
        .as("given up in the queue as the cancel would have").isEqualTo("Job cancelled by user"));
    assertThat(redis.sync().hget(QueueKeys.job(step), "status")).isEqualTo("failed");
    assertThat(s.pendingOfService()).as("no worker can claim it").isEmpty();
  }

  @Test
  void aFetchApiCallThatNeverFinishesIsAbandonedAndRunAgainAndItsLateAnswerIgnored() throws Exception {
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
    com.sun.net.httpserver.HttpServer api = com.sun.net.httpserver.HttpServer.create(
        new java.net.InetSocketAddress("127.0.0.1", 0), 0);
    api.setExecutor(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor());
    api.createContext("/v1/images", exchange -> {
      exchange.getRequestBody().readAllBytes();
      String url = "https://img.test/answered.png";
      if (calls.incrementAndGet() == 1) {
        try { // the first call hangs (a crashed instance's call, in effect) until the test ends
          release.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        url = "https://img.test/late.png";
      }
      byte[] body = ("{\"data\": [{\"url\": \"" + url + "\"}]}").getBytes();
      replyJson(exchange, 200, body);
    });
    api.start();
    try {
      String fetcher = imageFetchWorkflow(api);
      Scenario s = new Scenario(1, true, fetcher);
      await().atMost(WAIT).until(() -> calls.get() == 1);
      // Submitted longer ago than any fetch may run (timeouts, retries and backoff).
      assertThat(jdbc.sql("""
          UPDATE job_steps SET submitted_at = now() - interval '1 hour', updated_at = now() - interval '1 hour'
          WHERE job_id = ? AND kind = 'fetch'""").param(s.jobId).update()).isEqualTo(1);

      WorkerSimulator worker = s.worker("w-after-abandoned-fetch");
      String refine = s.claim(worker);
      assertThat(calls.get()).as("the fetch ran again").isEqualTo(2);
      assertThat(json.readTree(field(refine, "payload")).get("init_image").asString())
          .isEqualTo("https://img.test/answered.png");
      release.countDown(); // the abandoned call answers now, too late
      worker.complete(refine, image("https://cdn.test/refined-after-fetch.png"));

      JsonNode job = s.awaitStatus("completed");
      assertThat(sources(job)).containsExactly("https://img.test/answered.png", "https://cdn.test/refined-after-fetch.png");
      assertThat(s.historyMessages()).anyMatch(m -> m.contains("the fetch_api call did not finish"));
    } finally {
      release.countDown();
      api.stop(0);
    }
  }

  @Test
  void aStepWhoseWorkflowWasDeletedMidJobFailsTheJobInsteadOfWaitingForever() {
    Scenario s = new Scenario(1, true);
    WorkerSimulator worker = s.worker("w-before-deletion");
    String first = s.claim(worker);
    // The second step's workflow goes while the first step runs; the second is rendered only after.
    assertThat(jdbc.sql("DELETE FROM workflows WHERE name = ?").param("wf-" + s.service + "-refine").update())
        .isEqualTo(1);
    worker.complete(first, image("https://cdn.test/before-deletion.png"));

    JsonNode job = s.awaitStatus("failed");
    assertThat(job.get("error").asString()).contains("wf-" + s.service + "-refine").contains("no longer exists");
    assertThat(s.submittedSteps()).as("the second step never reached the queue").containsExactly(first);
    assertThat(s.pendingOfService()).isEmpty();
    assertThat(s.event(GenerationFailed.class).amountSpent()).as("the first step, done").isEqualTo(1);
  }

  // --- starting on the owner's known credit standing --------------------------------------------

  /** A user's second job, started on the standing its first job's reservation left, credits silent since. */
  private record OnStanding(Scenario first, Scenario second, WorkerSimulator worker) {}

  private OnStanding aSecondJobOnTheStanding(String workerId) {
    Scenario first = new Scenario(1, false);
    WorkerSimulator worker = first.worker(workerId);
    worker.complete(first.claim(worker), image("https://cdn.test/first.png"));
    first.awaitStatus("completed");

    // Credits-service now decides nothing for this user until told to; its reservation of the
    // first job told the generator what the user has left (100 - 1).
    credits.silent.add(first.user);
    Scenario second = first.following(first.generateAgain());
    assertThat(second.job().get("status").asString()).as("answered queued with no decision made").isEqualTo("queued");
    assertThat(second.historyMessages()).anyMatch(m -> m.startsWith("Started on the known credit standing (99 available)"));
    return new OnStanding(first, second, worker);
  }

  @Test
  void aJobTheKnownStandingCoversRunsBeforeCreditsDecideAndCompletesOnlyOnceReserved() {
    OnStanding started = aSecondJobOnTheStanding("w-standing");
    Scenario second = started.second();
    WorkerSimulator worker = started.worker();

    String step = second.claim(worker);
    worker.complete(step, image("https://cdn.test/on-standing.png"));
    await().atMost(WAIT).until(() -> second.historyMessages().stream()
        .anyMatch(m -> m.endsWith("waiting for the credit reservation")));
    assertThat(second.job().get("status").asString()).as("done, but not reserved yet").isEqualTo("processing");
    assertThat(second.eventCount("GenerationCompleted.v1")).isZero();

    credits.decide(second.event(io.emprops.events.contract.GenerationRequested.class));
    JsonNode completed = second.awaitStatus("completed");
    assertThat(sources(completed)).containsExactly("https://cdn.test/on-standing.png");
    assertThat(second.event(GenerationCompleted.class).amountSpent()).isEqualTo(1);
    assertThat(second.historyMessages()).contains("Credits reserved: 1");
  }

  @Test
  void aJobStartedOnTheStandingThatCreditsRefuseFailsItsStepsAbandonedAndNothingSpent() {
    OnStanding started = aSecondJobOnTheStanding("w-refused");
    Scenario first = started.first();
    Scenario second = started.second();
    WorkerSimulator worker = started.worker();
    // The standing says 99; credits-service meanwhile knows better (another spend, say).
    String step = second.claim(worker);
    worker.start(step);
    credits.budgets.put(first.user, 0L);
    credits.decide(second.event(io.emprops.events.contract.GenerationRequested.class));

    JsonNode failed = second.awaitStatus("failed");
    assertThat(failed.get("error_code").asString()).isEqualTo("INSUFFICIENT_CREDITS");
    GenerationFailed event = second.event(GenerationFailed.class);
    assertThat(event.code()).isEqualTo("INSUFFICIENT_CREDITS");
    assertThat(event.amountSpent()).as("a refused job spends nothing").isZero();
    await().atMost(WAIT).until(() -> "failed".equals(field(step, "status")));
    assertThat(json.readTree(redis.sync().hget(QueueKeys.FAILED, step)).get("error").asString())
        .as("abandoned as the queue writes a failure, not a user's cancel").startsWith("Abandoned by EmProps");
    // The worker finishes anyway: nothing changes.
    long handledBefore = queueMessagesHandled();
    worker.complete(step, image("https://cdn.test/too-late.png"));
    await().atMost(WAIT).until(() -> queueMessagesHandled() > handledBefore);
    assertThat(second.job().get("status").asString()).isEqualTo("failed");
    assertThat(second.eventCount("GenerationCompleted.v1")).isZero();
  }

  @Test
  void concurrentRequestsStartOnTheStandingOnlyAsFarAsItCoversTheirSumAndTheRestWaitForTheDecision()
      throws Exception {
    // 3 credits: the first job (1) leaves a standing of 2.
    Scenario first = new Scenario(1, false, null, 3L);
    first.awaitStatus("queued");
    credits.silent.add(first.user);

    List<java.util.concurrent.Future<java.net.http.HttpResponse<String>>> posts = new ArrayList<>();
    try (var pool = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
      for (int i = 0; i < 3; i++) {
        posts.add(pool.submit(first::generateAgain));
      }
    }
    List<Scenario> jobs = new ArrayList<>();
    for (var post : posts) {
      jobs.add(first.following(post.get()));
    }
    // Each admission counts every undecided job of the user, this one included, under the
    // standing's row lock: however the three interleave, the standing is never over-committed.
    java.util.Map<Boolean, List<Scenario>> onStanding = jobs.stream().collect(java.util.stream.Collectors.partitioningBy(
        j -> j.historyMessages().stream().anyMatch(m -> m.startsWith("Started on the known credit standing"))));
    assertThat(onStanding.get(true)).as("the standing of 2 covers at most two, and at least the first admitted")
        .hasSizeBetween(1, 2);
    onStanding.get(true).forEach(j -> assertThat(j.job().get("status").asString()).isEqualTo("queued"));
    onStanding.get(false).forEach(j -> assertThat(j.job().get("status").asString())
        .as("waited its 3 s and is still undecided").isEqualTo("pending"));

    // Credits decide: every job started on the standing is reserved; of those that waited, what
    // the remaining budget covers is reserved and exactly one of the four jobs is refused.
    for (Scenario job : onStanding.get(true)) {
      credits.decide(job.event(io.emprops.events.contract.GenerationRequested.class));
      await().atMost(WAIT).until(() -> job.historyMessages().contains("Credits reserved: 1"));
    }
    List<String> decided = new ArrayList<>();
    for (Scenario waited : onStanding.get(false)) {
      credits.decide(waited.event(io.emprops.events.contract.GenerationRequested.class));
      decided.add(await().atMost(WAIT).until(() -> waited.job().get("status").asString(), s -> !"pending".equals(s)));
    }
    assertThat(decided.stream().filter("failed"::equals).count()).as("3 credits, four jobs of 1").isEqualTo(1);
    assertThat(credits.budgets.get(first.user)).isZero();
  }

  private double reconciliations(String outcome) {
    var counter = meters.find("generator_reconciliations_total").tag("outcome", outcome).counter();
    return counter == null ? 0 : counter.count();
  }

  private void completeSilently(String step, String url) {
    redis.sync().hset(QueueKeys.job(step), java.util.Map.of("status", "completed", "completed_at", Instant.now().toString()));
    redis.sync().hset(QueueKeys.COMPLETED, step, "{\"success\":true,\"data\":{\"success\":true,\"data\":"
        + "{\"image_url\":\"" + url + "\",\"mime_type\":\"image/png\"},\"processing_time_ms\":3},\"completed_at\":\""
        + Instant.now() + "\"}");
  }

  private String metrics() {
    return calls.get("/actuator/prometheus", io.emprops.web.identity.CallerIdentity.anonymous()).body();
  }

  private static double value(String metrics, String name) {
    return metrics.lines().filter(l -> l.startsWith(name + " ") || l.startsWith(name + "{"))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
  }

  // --- helpers -------------------------------------------------------------------------------

  /** Job-queue messages about our steps the generator has handled, of every type (its own timers' counts). */
  private long queueMessagesHandled() {
    return meters.get("generator_queue_messages").timers().stream().mapToLong(Timer::count).sum();
  }

  /** The generation a queue submission belongs to, from the generator's own rows. */
  private int generationOf(String queueStepId) {
    return jdbc.sql("SELECT generation FROM job_steps WHERE queue_step_id = ?").param(queueStepId)
        .query(Integer.class).single();
  }

  private final class Scenario {
    final String service;
    final String user;
    final UUID collection;
    final UUID jobId;

    Scenario(int generations) {
      this(generations, true);
    }

    /** @param withDependant whether each generation has a second step taking the first's output */
    Scenario(int generations, boolean withDependant) {
      this(generations, withDependant, null);
    }

    /** @param firstWorkflow the first step's workflow, or null for a queue workflow made here */
    Scenario(int generations, boolean withDependant, String firstWorkflow) {
      this(generations, withDependant, firstWorkflow, null);
    }

    /** @param credits what credits-service holds for the new user, or null for its default */
    Scenario(int generations, boolean withDependant, String firstWorkflow, Long credits) {
      service = "svc-" + UUID.randomUUID().toString().substring(0, 8);
      user = "exec-" + UUID.randomUUID();
      if (credits != null) {
        JobExecutionTest.this.credits.budgets.put(user, credits);
      }
      String workflow = firstWorkflow != null ? firstWorkflow : "wf-" + service;
      if (firstWorkflow == null) {
        workflows.create(new WorkflowDraft(workflow, "test", "direct_job", json.readTree("""
            {"template": {"prompt": "{{prompt}}", "init_image": "{{init_image}}", "seed": "{{seed}}"},
             "fields": [{"name": "prompt", "type": "text", "required": true},
                        {"name": "init_image", "type": "text", "default": ""},
                        {"name": "seed", "type": "integer", "default": 0}]}"""),
            service, 1L, List.of(), true));
      }
      // The refining step runs a second workflow of the same service that costs 2.
      String refiner = "wf-" + service + "-refine";
      workflows.create(new WorkflowDraft(refiner, "test", "direct_job", json.readTree("""
          {"template": {"prompt": "{{prompt}}", "init_image": "{{init_image}}"},
           "fields": [{"name": "prompt", "type": "text", "required": true},
                      {"name": "init_image", "type": "text", "default": ""}]}"""),
          service, 2L, List.of(), true));
      String refineStep = withDependant
          ? ", {\"id\": 2, \"nodeName\": \"" + refiner + "\", \"nodePayload\": {\"prompt\": \"refine\", \"init_image\": {\"$ref\": 1}}}"
          : "";
      JsonNode data = json.readTree("""
          {"version": "v2",
           "steps": [{"id": 1, "nodeName": "%s", "nodePayload": {"prompt": "a {{subject}}"}}%s],
           "generations": {"generations": %d, "hashes": [], "use_custom_hashes": false},
           "variables": [{"name": "subject", "type": "text", "value": "fox"},
                         {"name": "mood", "type": "pick", "value": {"values": ["calm", "wild"], "weights": [1, 1]}}]}"""
          .formatted(workflow, refineStep, generations));
      collection = UUID.randomUUID();
      collections.apply(new CollectionSnapshot(collection, UUID.randomUUID(), user, 1, "t", "", CollectionStatus.DRAFT,
          false, data, null, null, null, null, null, false, null, false, false, false, Instant.now(), Instant.now()));
      JsonNode accepted = data(calls.post("/collections/" + collection + "/generations", GatewayCalls.user(user), "{}"));
      jobId = UUID.fromString(accepted.get("job_id").asString());
      await().atMost(WAIT).until(() -> !"pending".equals(job().get("status").asString()));
    }

    private Scenario(Scenario of, UUID jobId) {
      this.service = of.service;
      this.user = of.user;
      this.collection = of.collection;
      this.jobId = jobId;
    }

    /** The same user generates the same collection again: the request's answer, as it came. */
    java.net.http.HttpResponse<String> generateAgain() {
      return calls.post("/collections/" + collection + "/generations", GatewayCalls.user(user), "{}");
    }

    /** The job of an answer to {@link #generateAgain}, followed as this one. */
    Scenario following(java.net.http.HttpResponse<String> accepted) {
      return following(UUID.fromString(data(accepted).get("job_id").asString()));
    }

    /** The same user and service, following another job (a retry). */
    Scenario following(UUID otherJob) {
      return new Scenario(this, otherJob);
    }

    WorkerSimulator worker(String name) {
      WorkerSimulator worker = new WorkerSimulator(redisClient, name + "-" + service, service);
      worker.heartbeat();
      workers.add(worker);
      return worker;
    }

    String claim(WorkerSimulator worker) {
      return await().atMost(WAIT).until(() -> worker.claim().orElse(null), id -> id != null);
    }

    /** The job's steps ever written to the queue (by their submission ids), oldest first. */
    List<String> submittedSteps() {
      List<String> ids = new ArrayList<>();
      for (String key : redis.sync().keys("job:*")) {
        String id = key.substring("job:".length());
        if (!id.contains(":") && jobId.toString().equals(redis.sync().hget(key, "workflow_id"))) {
          ids.add(id);
        }
      }
      ids.sort(java.util.Comparator.comparing(id -> redis.sync().hget(QueueKeys.job(id), "created_at")));
      return ids;
    }

    List<String> pendingOfService() {
      return redis.sync().zrange(QueueKeys.PENDING, 0, -1).stream()
          .filter(id -> service.equals(redis.sync().hget(QueueKeys.job(id), "service_required"))).toList();
    }

    JsonNode job() {
      return data(calls.get("/jobs/" + jobId, GatewayCalls.user(user)));
    }

    JsonNode awaitStatus(String status) {
      await().atMost(WAIT).until(() -> status.equals(job().get("status").asString()));
      return job();
    }

    JsonNode history() {
      return data(calls.get("/jobs/" + jobId + "/history", GatewayCalls.user(user)));
    }

    List<String> historyEvents() {
      List<String> names = new ArrayList<>();
      history().forEach(e -> names.add(e.get("event").asString()));
      return names;
    }

    /** The data of the job's events named {@code event}, oldest first. */
    List<JsonNode> historyData(String event) {
      List<JsonNode> data = new ArrayList<>();
      history().forEach(e -> {
        if (event.equals(e.get("event").asString())) {
          data.add(e.get("data"));
        }
      });
      return data;
    }

    /** The job's event stream as SSE, replayed whole (the job has ended, so the stream closes). */
    String stream() throws Exception {
      java.net.http.HttpRequest request = calls.request("GET", "/jobs/" + jobId + "/events", GatewayCalls.user(user),
          java.net.http.HttpRequest.BodyPublishers.noBody()).header("Accept", "text/event-stream")
          .timeout(Duration.ofSeconds(30)).build();
      try (java.net.http.HttpClient client = java.net.http.HttpClient.newHttpClient()) {
        java.net.http.HttpResponse<String> response = client.send(request, java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("event:job_completed");
        return response.body();
      }
    }

    List<String> historyMessages() {
      List<String> messages = new ArrayList<>();
      history().forEach(e -> messages.add(e.get("message").asString()));
      return messages;
    }

    List<ConsumerRecord<String, byte[]>> records(String type) {
      return generations.recordsOf(Topic.GENERATIONS.topicName()).stream()
          .filter(r -> jobId.toString().equals(r.key()) && type.equals(TopicRecorder.header(r, "eventType")))
          .toList();
    }

    long eventCount(String type) {
      return records(type).size();
    }

    JsonNode event(String type) {
      await().atMost(WAIT).until(() -> eventCount(type) > 0);
      return json.readTree(new String(records(type).getFirst().value(), java.nio.charset.StandardCharsets.UTF_8));
    }

    <T extends io.emprops.events.contract.DomainEvent> T event(Class<T> type) {
      return events(type).getFirst();
    }

    /** Every event of the type recorded for the job so far (at least one). */
    <T extends io.emprops.events.contract.DomainEvent> List<T> events(Class<T> type) {
      String name = type.getSimpleName() + ".v1";
      await().atMost(WAIT).until(() -> eventCount(name) > 0);
      return records(name).stream().map(r -> EventJson.deserialize(r.value(), type)).toList();
    }
  }

  private static JsonNode outputWithStatus(JsonNode job, String status) {
    for (JsonNode output : job.get("outputs")) {
      if (status.equals(output.get("status").asString())) {
        return output;
      }
    }
    throw new AssertionError("no output " + status + " in " + job.get("outputs"));
  }

  /** The workers' URLs of the job's outputs, in order, from the assets the storage stand-in made of them. */
  private List<String> sources(JsonNode job) {
    List<String> sources = new ArrayList<>();
    job.get("outputs").forEach(o -> sources.add(storage.sourceOf(o.get("url").asString(null))));
    return sources;
  }

  private String field(String stepId, String name) {
    return Optional.ofNullable(redis.sync().hget(QueueKeys.job(stepId), name)).orElse("");
  }

  private ObjectNode image(String url) {
    ObjectNode data = json.createObjectNode();
    data.put("image_url", url);
    data.put("mime_type", "image/png");
    return data;
  }

  private JsonNode data(java.net.http.HttpResponse<String> response) {
    assertThat(response.statusCode()).as(response.body()).isBetween(200, 299);
    return json.readTree(response.body()).get("data");
  }

  /**
   * Registers a {@code fetch_api} workflow that POSTs the prompt to {@code api}'s
   * {@code /v1/images} and takes {@code $.data[0].url} as its output; returns its name.
   */
  private String imageFetchWorkflow(com.sun.net.httpserver.HttpServer api) {
    String fetcher = "fetch-" + UUID.randomUUID().toString().substring(0, 8);
    workflows.create(new WorkflowDraft(fetcher, "test", "fetch_api", json.readTree("""
        {"template": {"method": "POST", "url": "http://127.0.0.1:%d/v1/images",
                      "headers": {"Content-Type": "application/json"}, "body": {"prompt": "{{prompt}}"}},
         "fields": [{"name": "prompt", "type": "text", "required": true}],
         "output": {"json_path": "$.data[0].url"}}""".formatted(api.getAddress().getPort())),
        null, 3L, List.of(), true));
    return fetcher;
  }

  private static void replyJson(com.sun.net.httpserver.HttpExchange exchange, int status, byte[] body)
      throws java.io.IOException {
    exchange.getResponseHeaders().add("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, body.length);
    exchange.getResponseBody().write(body);
    exchange.close();
  }
}
