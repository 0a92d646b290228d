package io.emprops.generator.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.emprops.events.contract.CollectionSnapshot;
import io.emprops.events.contract.CollectionStatus;
import io.emprops.events.contract.GenerationRequested;
import io.emprops.events.contract.Topic;
import io.emprops.events.testing.TopicRecorder;
import io.emprops.generator.persistence.CollectionViewRepository;
import io.emprops.localstack.testing.EmbeddedInfrastructure;
import io.emprops.web.identity.CallerIdentity;
import io.emprops.web.testing.GatewayCalls;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.core.env.Environment;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * POST /collections/{id}/generations and /jobs over real Postgres and Kafka: the request is
 * validated against the read model, priced, announced, and answered by the credit decision.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = "emprops.generator.credit-decision-wait=2s")
@EmbeddedInfrastructure(app = "generator-service")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JobsApiTest {

  @Autowired Environment environment;
  @Autowired CollectionViewRepository collections;
  private final JsonMapper json = JsonMapper.builder().build();
  private GatewayCalls calls;
  private CreditsServiceStandIn credits;

  @BeforeAll
  void startCreditsStandIn() {
    credits = new CreditsServiceStandIn();
  }

  @AfterAll
  void stopCreditsStandIn() throws InterruptedException {
    credits.close();
  }

  @BeforeEach
  void connect() {
    calls = new GatewayCalls("http://127.0.0.1:" + environment.getProperty("local.server.port"),
        environment.getProperty("emprops.internal.secret"));
  }

  /** A collection of the given owner, known to the generator, whose one step runs the seeded mock workflow. */
  private UUID collectionOf(String owner, String workflow) {
    UUID id = UUID.randomUUID();
    collectionOf(id, owner, workflow);
    return id;
  }

  private void collectionOf(UUID id, String owner, String workflow) {
    JsonNode data = json.readTree("""
        {"version": "v2",
         "steps": [{"id": 1, "nodeName": "%s", "nodePayload": {"prompt": "a {{subject}} in {{style}}"}}],
         "generations": {"generations": 2, "hashes": [], "use_custom_hashes": false},
         "variables": [{"name": "subject", "type": "text", "value": "fox"},
                       {"name": "style", "type": "pick", "value": {"values": ["ink", "oil"], "weights": [1, 1]}}]}"""
        .formatted(workflow));
    collections.apply(new CollectionSnapshot(id, UUID.randomUUID(), owner, 1, "t", "", CollectionStatus.DRAFT, false,
        data, null, null, null, null, null, false, null, false, false, false, Instant.now(), Instant.now()));
  }

  private static String newUser() {
    return "gen-" + UUID.randomUUID();
  }

  private HttpResponse<String> generate(String user, UUID collection, String body, String idempotencyKey) {
    HttpRequest.Builder request = calls.request("POST", "/collections/" + collection + "/generations",
        GatewayCalls.user(user), HttpRequest.BodyPublishers.ofString(body));
    if (idempotencyKey != null) {
      request.header("Idempotency-Key", idempotencyKey);
    }
    return calls.send(request.build());
  }

  private JsonNode data(HttpResponse<String> response, int status) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    return json.readTree(response.body()).get("data");
  }

  @Test
  void aGenerationIsQueuedOnceItsCreditsAreReserved() {
    String user = newUser();
    JsonNode accepted = data(generate(user, collectionOf(user, "mock-image"), "{\"variables\": {\"subject\": \"owl\"}}", null), 202);

    assertThat(accepted.get("status").asString()).isEqualTo("queued");
    String jobId = accepted.get("job_id").asString();
    assertThat(accepted.get("urls").get("job_events_url").asString()).isEqualTo("/jobs/" + jobId + "/events");

    JsonNode job = data(calls.get("/jobs/" + jobId, GatewayCalls.user(user)), 200);
    assertThat(job.get("status").asString()).isEqualTo("queued");
    assertThat(job.get("cost").asLong()).as("mock-image costs 1 per generation, 2 generations").isEqualTo(2);
    assertThat(job.get("data").get("outputs").isArray()).isTrue();
    assertThat(job.get("token").isNull()).as("no minted token's generation").isTrue();
    assertThat(credits.budgets.get(user)).isEqualTo(98);
  }

  /**
   * A collection created a moment ago whose {@code CollectionCreated} reaches the generator while
   * the request waits (0.7 s later, within the 3 s wait): accepted, not 404.
   */
  @Test
  void aCollectionThatReachesTheGeneratorWhileTheRequestWaitsIsGenerated() {
    String user = newUser();
    UUID collection = UUID.randomUUID();
    Thread arrival = Thread.ofVirtual().start(() -> {
      try {
        Thread.sleep(700);
      } catch (InterruptedException e) {
        return;
      }
      collectionOf(collection, user, "mock-image");
    });

    JsonNode accepted = data(generate(user, collection, "{}", null), 202);

    assertThat(arrival.isAlive()).as("the collection arrived during the request").isFalse();
    assertThat(accepted.get("status").asString()).isIn("queued", "pending");
  }

  @Test
  void aGenerationTheUserCannotAffordIsA402() {
    String user = newUser();
    credits.budgets.put(user, 1L);
    HttpResponse<String> response = generate(user, collectionOf(user, "mock-image"), "{}", null);

    assertThat(response.statusCode()).isEqualTo(402);
    assertThat(json.readTree(response.body()).get("code").asString()).isEqualTo("INSUFFICIENT_CREDITS");
    JsonNode jobs = data(calls.get("/jobs?status=failed", GatewayCalls.user(user)), 200);
    assertThat(jobs.get("items").get(0).get("error_code").asString()).isEqualTo("INSUFFICIENT_CREDITS");
  }

  @Test
  void withoutADecisionInTimeTheJobIsPendingAndQueuedWhenItComes() {
    String user = newUser();
    credits.silent.add(user);
    JsonNode accepted = data(generate(user, collectionOf(user, "mock-image"), "{}", null), 202);
    assertThat(accepted.get("status").asString()).isEqualTo("pending");

    UUID jobId = UUID.fromString(accepted.get("job_id").asString());
    credits.decide(new GenerationRequested(jobId, user, UUID.randomUUID(), 2, 2, Instant.now()));
    await().atMost(Duration.ofSeconds(20)).until(() ->
        data(calls.get("/jobs/" + jobId, GatewayCalls.user(user)), 200).get("status").asString().equals("queued"));
  }

  @Test
  void theSameIdempotencyKeyReturnsTheSameJobAndAnotherBodyIsAConflict() {
    String user = newUser();
    UUID collection = collectionOf(user, "mock-image");
    String key = "gen-" + UUID.randomUUID();
    String first = data(generate(user, collection, "{\"generations\": 1}", key), 202).get("job_id").asString();
    String again = data(generate(user, collection, "{\"generations\": 1}", key), 202).get("job_id").asString();
    HttpResponse<String> other = generate(user, collection, "{\"generations\": 3}", key);

    assertThat(again).isEqualTo(first);
    assertThat(other.statusCode()).isEqualTo(409);
    assertThat(data(calls.get("/jobs", GatewayCalls.user(user)), 200).get("total").asLong()).isEqualTo(1);
  }

  @Test
  void invalidRequestsNameTheirProblem() {
    String owner = newUser();
    UUID collection = collectionOf(owner, "mock-image");

    HttpResponse<String> badVariables = generate(owner, collection, "{\"variables\": {\"style\": \"pastel\", \"mood\": 1}}", null);
    assertThat(badVariables.statusCode()).isEqualTo(400);
    assertThat(json.readTree(badVariables.body()).get("details").findValuesAsString("field"))
        .containsExactlyInAnyOrder("variables.style", "variables.mood");

    assertThat(generate(newUser(), collection, "{}", null).statusCode()).as("another user's draft").isEqualTo(404);
    assertThat(generate(owner, UUID.randomUUID(), "{}", null).statusCode()).as("unknown collection").isEqualTo(404);

    HttpResponse<String> missingWorkflow = generate(owner, collectionOf(owner, "no-such-workflow"), "{}", null);
    assertThat(missingWorkflow.statusCode()).isEqualTo(404);
    assertThat(json.readTree(missingWorkflow.body()).get("code").asString()).isEqualTo("WORKFLOW_NOT_FOUND");

    HttpResponse<String> longKey = generate(owner, collection, "{}", "k".repeat(201));
    assertThat(longKey.statusCode()).isEqualTo(400);
    assertThat(json.readTree(longKey.body()).get("details").findValuesAsString("message"))
        .containsExactly("size must be between 1 and 200");
    HttpResponse<String> spacedKey = generate(owner, collection, "{}", "a key");
    assertThat(spacedKey.statusCode()).isEqualTo(400);
    assertThat(json.readTree(spacedKey.body()).get("details").findValuesAsString("message"))
        .containsExactly("must be printable ASCII");

    HttpResponse<String> anonymous = calls.post("/collections/" + collection + "/generations", CallerIdentity.anonymous(), "{}");
    assertThat(anonymous.statusCode()).isEqualTo(401);
  }

  @Test
  void cancellingAQueuedJobEndsItAnnouncesItAndIsRecordedInItsHistory() throws InterruptedException {
    String user = newUser();
    String jobId = data(generate(user, collectionOf(user, "mock-image"), "{}", null), 202).get("job_id").asString();
    try (TopicRecorder generations = new TopicRecorder(List.of(Topic.GENERATIONS.topicName()))) {
      JsonNode cancelled = data(calls.post("/jobs/" + jobId + "/cancel", GatewayCalls.user(user), ""), 200);
      assertThat(cancelled.get("status").asString()).isEqualTo("cancelled");
      assertThat(cancelled.get("completed_at").isNull()).isFalse();

      await().atMost(Duration.ofSeconds(20)).until(() -> generations.recordsOf(Topic.GENERATIONS.topicName()).stream()
          .anyMatch(r -> jobId.equals(r.key())
              && "GenerationCancelled.v1".equals(TopicRecorder.header(r, "eventType"))));
    }
    HttpResponse<String> again = calls.post("/jobs/" + jobId + "/cancel", GatewayCalls.user(user), "");
    assertThat(again.statusCode()).isEqualTo(409);
    assertThat(calls.post("/jobs/" + jobId + "/cancel", GatewayCalls.user(newUser()), "").statusCode()).isEqualTo(404);

    JsonNode history = data(calls.get("/jobs/" + jobId + "/history", GatewayCalls.user(user)), 200);
    List<String> statuses = new java.util.ArrayList<>();
    List<String> names = new java.util.ArrayList<>();
    history.forEach(event -> {
      statuses.add(event.get("status").asString());
      names.add(event.get("event").asString());
    });
    assertThat(statuses).containsExactly("pending", "queued", "cancelled");
    assertThat(names).containsOnly("job_status");
  }

  @Test
  void jobsAreVisibleToTheirOwnerOnly() {
    String owner = newUser();
    String jobId = data(generate(owner, collectionOf(owner, "mock-image"), "{}", null), 202).get("job_id").asString();

    assertThat(calls.get("/jobs/" + jobId, GatewayCalls.user(newUser())).statusCode()).isEqualTo(404);
    assertThat(calls.get("/jobs?status=bogus", GatewayCalls.user(owner)).statusCode()).isEqualTo(400);
    assertThat(data(calls.get("/jobs", GatewayCalls.user(owner)), 200).get("items").get(0).get("id").asString())
        .isEqualTo(jobId);
  }
}
