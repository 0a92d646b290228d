package io.emprops.generator.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.emprops.events.contract.Blockchain;
import io.emprops.events.contract.CollectionGenerationRequested;
import io.emprops.events.contract.EventJson;
import io.emprops.events.contract.GenerationFailed;
import io.emprops.events.contract.GenerationRequested;
import io.emprops.events.contract.Topic;
import io.emprops.events.testing.TopicRecorder;
import io.emprops.generator.persistence.CollectionViewRepository;
import io.emprops.generator.persistence.WorkflowRepository;
import io.emprops.localstack.testing.EmbeddedInfrastructure;
import io.emprops.web.identity.CallerIdentity;
import io.emprops.web.testing.GatewayCalls;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * POST /api/collections/generate as a saga step, over real Postgres and Kafka: the generator
 * in-process; collections-service replaced by {@link CollectionsServiceStandIn}, which answers
 * {@code CollectionGenerationRequested} on Kafka as the real one does (it cannot run in this JVM);
 * credits by {@link CreditsServiceStandIn}.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    // A long credit wait: these tests expect the decision in the answer, and the first one after
    // another test context can take seconds (Kafka consumer groups rebalancing).
    properties = "emprops.generator.credit-decision-wait=20s")
@EmbeddedInfrastructure(app = "generator-service")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CollectionGenerationSagaAgainstACollectionsServiceStandInTest {

  private static final Duration WAIT = Duration.ofSeconds(30);

  @Autowired Environment environment;
  @Autowired CollectionViewRepository collections;
  @Autowired WorkflowRepository workflows;
  @Autowired JdbcClient jdbc;
  private final JsonMapper json = JsonMapper.builder().build();
  private GatewayCalls calls;
  private CreditsServiceStandIn credits;
  private CollectionsServiceStandIn collectionsService;
  private TopicRecorder generations;
  private String mockImage;

  @BeforeAll
  void start() {
    credits = new CreditsServiceStandIn();
    collectionsService = new CollectionsServiceStandIn();
    generations = new TopicRecorder(List.of(Topic.GENERATIONS.topicName()));
    calls = new GatewayCalls("http://127.0.0.1:" + environment.getProperty("local.server.port"),
        environment.getProperty("emprops.internal.secret"));
    mockImage = workflows.findByName("mock-image").orElseThrow().id().toString();
  }

  @AfterAll
  void stop() throws InterruptedException {
    credits.close();
    collectionsService.close();
    generations.close();
  }

  private static String newUser() {
    return "cgen-" + UUID.randomUUID();
  }

  private HttpResponse<String> generate(CallerIdentity caller, String body, String idempotencyKey) {
    HttpRequest.Builder request = calls.request("POST", "/api/collections/generate", caller,
        HttpRequest.BodyPublishers.ofString(body));
    if (idempotencyKey != null) {
      request.header("Idempotency-Key", idempotencyKey);
    }
    return calls.send(request.build());
  }

  private HttpResponse<String> generate(String user, String body) {
    return generate(GatewayCalls.user(user), body, null);
  }

  private String body(String variables) {
    return """
        {"title": "Owls", "workflow_id": "%s", "variables": %s, "generations": 1}""".formatted(mockImage, variables);
  }

  private JsonNode data(HttpResponse<String> response, int status) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    return json.readTree(response.body()).get("data");
  }

  private JsonNode error(HttpResponse<String> response, int status, String code) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    JsonNode envelope = json.readTree(response.body());
    assertThat(envelope.get("data").isNull()).isTrue();
    assertThat(envelope.get("code").asString()).isEqualTo(code);
    return envelope;
  }

  private List<String> fields(JsonNode envelope) {
    return envelope.path("details").findValuesAsString("field");
  }

  private List<Integer> laidOutSteps(String jobId) {
    return jdbc.sql("SELECT step_id FROM job_steps WHERE job_id = ? ORDER BY position")
        .param(UUID.fromString(jobId)).query(Integer.class).list();
  }

  private JsonNode job(String user, String jobId) {
    return data(calls.get("/jobs/" + jobId, GatewayCalls.user(user)), 200);
  }

  /** The events of the user's jobs on emprops.generations, by type name. */
  private List<String> generationEventsOf(String user) {
    return generations.recordsOf(Topic.GENERATIONS.topicName()).stream()
        .filter(r -> new String(r.value(), java.nio.charset.StandardCharsets.UTF_8).contains("\"" + user + "\""))
        .map(r -> TopicRecorder.header(r, "eventType")).toList();
  }

  @Test
  void theJobIsQueuedAtOnceAndRunsOnlyOnceItsCollectionExists() {
    String user = newUser();
    collectionsService.held.add(user);
    JsonNode created = data(generate(GatewayCalls.user(user, "creator"), """
        {"title": "Owls at night", "workflow_id": "%s", "variables": {"prompt": "an owl", "width": 512},
         "generations": 2, "metadata": {"editions": 10, "price": 0.5, "blockchain": "BASE"}}""".formatted(mockImage),
        null), 201);

    UUID collectionId = UUID.fromString(created.get("collection_id").asString());
    String jobId = created.get("job_id").asString();
    assertThat(created.get("status").asString()).as("credits decided within the wait").isEqualTo("queued");
    assertThat(created.get("urls").get("job_url").asString()).isEqualTo("/jobs/" + jobId);
    assertThat(created.get("urls").get("job_events_url").asString()).isEqualTo("/jobs/" + jobId + "/events");
    JsonNode job = job(user, jobId);
    assertThat(job.get("collection_id").asString()).isEqualTo(collectionId.toString());
    assertThat(job.get("generations").asInt()).isEqualTo(2);
    assertThat(job.get("cost").asLong()).as("mock-image costs 1 per generation").isEqualTo(2);
    assertThat(credits.budgets.get(user)).isEqualTo(98);

    // What collections-service was asked, with the job, in the job's transaction.
    await().atMost(WAIT).until(() -> collectionsService.requestsOf(user).size() == 1);
    CollectionGenerationRequested request = collectionsService.requestsOf(user).getFirst();
    assertThat(request.collectionId()).isEqualTo(collectionId);
    assertThat(request.jobId().toString()).isEqualTo(jobId);
    assertThat(request.title()).isEqualTo("Owls at night");
    assertThat(request.editions()).isEqualTo(10);
    assertThat(request.price()).isEqualByComparingTo("0.5");
    assertThat(request.blockchain()).isEqualTo(Blockchain.BASE);
    assertThat(request.data()).isEqualTo(json.readTree("""
        {"version": "v2",
         "steps": [{"id": 1, "nodeName": "mock-image", "alias": "mock-image",
                    "nodePayload": {"prompt": "an owl", "width": 512}}],
         "generations": {"generations": 2, "hashes": [], "use_custom_hashes": false},
         "variables": []}"""));

    // Queued, but nothing runs while the collection is unknown; no write of the read model but events.
    assertThat(collections.find(collectionId)).isEmpty();
    assertThat(laidOutSteps(jobId)).isEmpty();
    assertThat(job(user, jobId).get("status").asString()).isEqualTo("queued");

    collectionsService.release(user);
    await().atMost(WAIT).until(() -> laidOutSteps(jobId).size() == 2);
    int componentId = collections.find(collectionId).orElseThrow().data().get("steps").get(0).get("id").asInt();
    assertThat(componentId).as("the collection's renumbered step").isGreaterThan(7000);
    assertThat(laidOutSteps(jobId)).as("the job's steps are the collection's").containsOnly(componentId);
  }

  @Test
  void aCollectionCreatedBeforeCreditsDecideStartsTheJobOnTheirDecision() throws Exception {
    String user = newUser();
    credits.silent.add(user);
    CompletableFuture<HttpResponse<String>> answer =
        CompletableFuture.supplyAsync(() -> generate(user, body("{\"prompt\": \"x\"}")));

    await().atMost(WAIT).until(() -> collectionsService.requestsOf(user).size() == 1);
    CollectionGenerationRequested request = collectionsService.requestsOf(user).getFirst();
    await().atMost(WAIT).until(() -> collections.find(request.collectionId()).isPresent());
    assertThat(laidOutSteps(request.jobId().toString())).as("credits have not decided").isEmpty();

    credits.decide(new GenerationRequested(request.jobId(), user, request.collectionId(), 1, 1,
        java.time.Instant.now()));
    JsonNode created = data(answer.get(), 201);
    assertThat(created.get("status").asString()).isEqualTo("queued");
    assertThat(created.get("collection_id").asString()).isEqualTo(request.collectionId().toString());
    await().atMost(WAIT).until(() -> laidOutSteps(request.jobId().toString()).size() == 1);
  }

  @Test
  void aCollectionCollectionsServiceRejectsFailsTheJobWithNothingCharged() {
    String user = newUser();
    collectionsService.rejected.add(user);

    JsonNode created = data(generate(user, body("{\"prompt\": \"x\"}")), 201);
    String jobId = created.get("job_id").asString();

    await().atMost(WAIT).until(() -> "failed".equals(job(user, jobId).get("status").asString()));
    JsonNode job = job(user, jobId);
    assertThat(job.get("error").asString())
        .isEqualTo("The collection could not be created: title: is not allowed by the stand-in");
    assertThat(laidOutSteps(jobId)).isEmpty();
    await().atMost(WAIT).until(() -> generationEventsOf(user).contains("GenerationFailed.v1"));
    GenerationFailed failed = generations.recordsOf(Topic.GENERATIONS.topicName()).stream()
        .filter(r -> "GenerationFailed.v1".equals(TopicRecorder.header(r, "eventType")))
        .map(r -> EventJson.deserialize(r.value(), GenerationFailed.class))
        .filter(e -> e.jobId().toString().equals(jobId)).findFirst().orElseThrow();
    assertThat(failed.amountSpent()).as("nothing charged: the reservation is released").isZero();
    assertThat(failed.failedStepId()).isNull();
    assertThat(collections.find(UUID.fromString(created.get("collection_id").asString()))).isEmpty();
    error(calls.post("/jobs/" + jobId + "/retry", GatewayCalls.user(user), ""), 409, "CONFLICT");
  }

  @Test
  void invalidRequestsAreRefusedNamingTheFieldAndLeaveNoJobAndNoEvent() {
    String user = newUser();

    assertThat(fields(error(generate(user, """
        {"workflow_id": "%s", "variables": {"prompt": "x"}}""".formatted(mockImage)), 400, "VALIDATION_FAILED")))
        .containsExactly("title");
    assertThat(fields(error(generate(user, """
        {"title": "%s", "workflow_id": "%s", "variables": {"prompt": "x"}}""".formatted("t".repeat(201), mockImage)),
        400, "VALIDATION_FAILED"))).containsExactly("title");
    assertThat(fields(error(generate(user, """
        {"title": "t", "workflow_id": "not-a-uuid", "variables": {"prompt": "x"}}"""), 400, "VALIDATION_FAILED")))
        .containsExactly("workflow_id");
    error(generate(user, """
        {"title": "t", "workflow_id": "%s", "variables": {"prompt": "x"}}""".formatted(UUID.randomUUID())),
        404, "WORKFLOW_NOT_FOUND");
    JsonNode wrongType = error(generate(user, body("{\"prompt\": \"x\", \"width\": \"wide\", \"mood\": 1}")),
        400, "VALIDATION_FAILED");
    assertThat(fields(wrongType)).containsExactlyInAnyOrder("variables.width", "variables.mood");
    assertThat(fields(error(generate(user, body("{}")), 400, "VALIDATION_FAILED")))
        .as("a required input missing").containsExactly("variables.prompt");
    assertThat(fields(error(generate(user, """
        {"title": "t", "workflow_id": "%s", "variables": {"prompt": "x"}, "generations": 101}""".formatted(mockImage)),
        400, "VALIDATION_FAILED"))).containsExactly("generations");
    assertThat(fields(error(generate(user, """
        {"title": "t", "workflow_id": "%s", "variables": {"prompt": "x"},
         "metadata": {"editions": 0, "price": -1}}""".formatted(mockImage)), 400, "VALIDATION_FAILED")))
        .containsExactlyInAnyOrder("metadata.editions", "metadata.price");
    JsonNode chain = error(generate(user, """
        {"title": "t", "workflow_id": "%s", "variables": {"prompt": "x"},
         "metadata": {"blockchain": "SOLANA"}}""".formatted(mockImage)), 400, "VALIDATION_FAILED");
    assertThat(fields(chain)).containsExactly("metadata.blockchain");
    assertThat(chain.get("details").get(0).get("message").asString()).contains("ETHEREUM", "BASE", "TEZOS");

    // A valid request after them: once its events are recorded, the invalid ones' would have been.
    String marker = data(generate(user, body("{\"prompt\": \"ok\"}")), 201).get("job_id").asString();
    await().atMost(WAIT).until(() -> generationEventsOf(user).contains("CollectionGenerationRequested.v1"));
    List<String> events = generationEventsOf(user);
    assertThat(events).as("only the valid request asked for credits").filteredOn("GenerationRequested.v1"::equals)
        .hasSize(1);
    assertThat(events).as("and for a collection").filteredOn("CollectionGenerationRequested.v1"::equals).hasSize(1);
    assertThat(collectionsService.requestsOf(user)).hasSize(1);
    JsonNode jobs = data(calls.get("/jobs", GatewayCalls.user(user)), 200);
    assertThat(jobs.get("total").asLong()).isEqualTo(1);
    assertThat(jobs.get("items").get(0).get("id").asString()).isEqualTo(marker);
  }

  @Test
  void theSameIdempotencyKeyAnswersTheSameCollectionAndJobAndAnotherBodyIsAConflict() {
    String user = newUser();
    String key = "cgen-" + UUID.randomUUID();
    String body = body("{\"prompt\": \"x\"}");

    JsonNode first = data(generate(GatewayCalls.user(user), body, key), 201);
    JsonNode again = data(generate(GatewayCalls.user(user), body, key), 201);

    assertThat(again.get("collection_id")).isEqualTo(first.get("collection_id"));
    assertThat(again.get("job_id")).isEqualTo(first.get("job_id"));

    error(generate(GatewayCalls.user(user), body("{\"prompt\": \"y\"}"), key), 409, "CONFLICT");
    assertThat(data(calls.get("/jobs", GatewayCalls.user(user)), 200).get("total").asLong()).isEqualTo(1);
    await().atMost(WAIT).until(() -> collections.find(UUID.fromString(first.get("collection_id").asString()))
        .isPresent());
    assertThat(collectionsService.requestsOf(user)).as("collections-service was asked once").hasSize(1);

    // Keys belong to their user: another user's same key is a request of its own.
    String other = newUser();
    JsonNode theirs = data(generate(GatewayCalls.user(other), body, key), 201);
    assertThat(theirs.get("collection_id")).isNotEqualTo(first.get("collection_id"));
  }

  @Test
  void aConcurrentDuplicateAnswersAsTheRequestThatClaimedTheKeyAndAsksForOneCollection() throws Exception {
    String user = newUser();
    String key = "cgen-" + UUID.randomUUID();
    String body = body("{\"prompt\": \"x\"}");

    List<JsonNode> answers;
    try (ExecutorService both = Executors.newFixedThreadPool(2)) {
      Callable<JsonNode> call = () -> data(generate(GatewayCalls.user(user), body, key), 201);
      answers = both.invokeAll(List.of(call, call)).stream().map(f -> {
        try {
          return f.get();
        } catch (Exception e) {
          throw new AssertionError(e);
        }
      }).toList();
    }

    assertThat(answers.get(1).get("collection_id")).isEqualTo(answers.get(0).get("collection_id"));
    assertThat(answers.get(1).get("job_id")).isEqualTo(answers.get(0).get("job_id"));
    await().atMost(WAIT).until(() -> collections.find(UUID.fromString(answers.get(0).get("collection_id").asString()))
        .isPresent());
    assertThat(collectionsService.requestsOf(user)).as("the loser asked for nothing").hasSize(1);
    assertThat(data(calls.get("/jobs", GatewayCalls.user(user)), 200).get("total").asLong()).isEqualTo(1);
  }

  @Test
  void aGenerationTheUserCannotAffordIsA402() {
    String user = newUser();
    credits.budgets.put(user, 0L);

    error(generate(user, body("{\"prompt\": \"x\"}")), 402, "INSUFFICIENT_CREDITS");

    JsonNode failed = data(calls.get("/jobs?status=failed", GatewayCalls.user(user)), 200);
    assertThat(failed.get("items").get(0).get("error_code").asString()).isEqualTo("INSUFFICIENT_CREDITS");
  }

  @Test
  void anAnonymousCallerIsA401AndNothingIsAsked() {
    error(generate(CallerIdentity.anonymous(), body("{\"prompt\": \"x\"}"), null), 401, "UNAUTHORIZED");
  }
}
