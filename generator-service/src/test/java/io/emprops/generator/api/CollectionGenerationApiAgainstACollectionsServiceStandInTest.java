package io.emprops.generator.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.emprops.events.contract.Blockchain;
import io.emprops.events.contract.CollectionSnapshot;
import io.emprops.events.contract.CollectionStatus;
import io.emprops.generator.domain.collectiongen.CollectionsServiceStandIn;
import io.emprops.generator.domain.collectiongen.CollectionsServiceStandIn.Answer;
import io.emprops.generator.domain.collectiongen.CollectionsServiceStandIn.Call;
import io.emprops.generator.persistence.CollectionViewRepository;
import io.emprops.generator.persistence.CollectionViewRepository.CollectionView;
import io.emprops.generator.persistence.WorkflowRepository;
import io.emprops.localstack.testing.EmbeddedInfrastructure;
import io.emprops.web.identity.CallerIdentity;
import io.emprops.web.testing.GatewayCalls;
import java.math.BigDecimal;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.core.env.Environment;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * POST /api/collections/generate over real Postgres and Kafka, with collections-service replaced
 * by {@link CollectionsServiceStandIn} (it cannot run in this JVM): the stub checks the internal
 * credential and the forwarded identity as the real service would, and answers like its create
 * endpoint. Credits are answered on Kafka by {@link CreditsServiceStandIn}.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    // A long credit wait: these tests expect the decision in the answer, and the first one after
    // another test context can take seconds (Kafka consumer groups rebalancing).
    properties = {"emprops.generator.credit-decision-wait=20s", "emprops.generator.collections.timeout=2s"})
@EmbeddedInfrastructure(app = "generator-service")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CollectionGenerationApiAgainstACollectionsServiceStandInTest {

  private static final CollectionsServiceStandIn stub = CollectionsServiceStandIn.start();

  @DynamicPropertySource
  static void collectionsService(DynamicPropertyRegistry registry) {
    registry.add("emprops.generator.collections.url", () -> stub.url().toString());
  }

  @Autowired Environment environment;
  @Autowired CollectionViewRepository collections;
  @Autowired WorkflowRepository workflows;
  private final JsonMapper json = JsonMapper.builder().build();
  private GatewayCalls calls;
  private CreditsServiceStandIn credits;
  private String mockImage;

  @BeforeAll
  void start() {
    credits = new CreditsServiceStandIn();
    String secret = environment.getProperty("emprops.internal.secret");
    stub.trust(secret);
    calls = new GatewayCalls("http://127.0.0.1:" + environment.getProperty("local.server.port"), secret);
    mockImage = workflows.findByName("mock-image").orElseThrow().id().toString();
  }

  @AfterEach
  void everyCallTheStubGotWasSignedForItsIdentity() {
    List<String> refused = List.copyOf(stub.refusals);
    stub.refusals.clear();
    assertThat(refused).as("requests the stub refused for their internal credential").isEmpty();
  }

  @AfterAll
  void stop() throws InterruptedException {
    credits.close();
    stub.close();
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

  @Test
  void createsTheCollectionOnTheCallersBehalfAndQueuesItsGeneration() {
    String user = newUser();
    JsonNode created = data(generate(GatewayCalls.user(user, "creator"), """
        {"title": "Owls at night", "workflow_id": "%s", "variables": {"prompt": "an owl", "width": 512},
         "generations": 2, "metadata": {"editions": 10, "price": 0.5, "blockchain": "BASE"}}""".formatted(mockImage),
        null), 201);

    UUID collectionId = UUID.fromString(created.get("collection_id").asString());
    String jobId = created.get("job_id").asString();
    assertThat(created.get("status").asString()).isEqualTo("queued");
    assertThat(created.get("urls").get("job_url").asString()).isEqualTo("/jobs/" + jobId);
    assertThat(created.get("urls").get("job_events_url").asString()).isEqualTo("/jobs/" + jobId + "/events");

    // What collections-service was asked, and for whom.
    List<Call> creates = stub.createsBy(user);
    assertThat(creates).hasSize(1);
    Call create = creates.getFirst();
    assertThat(create.method()).isEqualTo("POST");
    assertThat(create.userId()).isEqualTo(user);
    assertThat(create.roles()).isEqualTo("creator");
    JsonNode fields = create.body();
    assertThat(fields.get("title").asString()).isEqualTo("Owls at night");
    assertThat(fields.get("editions").asInt()).isEqualTo(10);
    assertThat(fields.get("price").decimalValue()).isEqualByComparingTo("0.5");
    assertThat(fields.get("blockchain").asString()).isEqualTo("BASE");
    assertThat(fields.get("data")).isEqualTo(json.readTree("""
        {"version": "v2",
         "steps": [{"id": 1, "nodeName": "mock-image", "alias": "mock-image",
                    "nodePayload": {"prompt": "an owl", "width": 512}}],
         "generations": {"generations": 2, "hashes": [], "use_custom_hashes": false},
         "variables": []}"""));

    JsonNode job = data(calls.get("/jobs/" + jobId, GatewayCalls.user(user)), 200);
    assertThat(job.get("status").asString()).isEqualTo("queued");
    assertThat(job.get("collection_id").asString()).isEqualTo(collectionId.toString());
    assertThat(job.get("generations").asInt()).isEqualTo(2);
    assertThat(job.get("cost").asLong()).as("mock-image costs 1 per generation").isEqualTo(2);
    assertThat(credits.budgets.get(user)).isEqualTo(98);

    // The read model holds the collection as collections-service answered it (renumbered step).
    CollectionView view = collections.find(collectionId).orElseThrow();
    assertThat(view.userId()).isEqualTo(user);
    assertThat(view.status()).isEqualTo("draft");
    assertThat(view.revision()).isZero();
    assertThat(view.data().get("steps").get(0).get("id").asLong()).isGreaterThan(5000);
    assertThat(view.data().get("steps").get(0).get("nodeName").asString()).isEqualTo("mock-image");

    // The CollectionCreated event for the same state arrives later with the same revision: a no-op.
    Instant now = Instant.now();
    assertThat(collections.apply(new CollectionSnapshot(collectionId, stub.defaultProjectOf(user), user, 0,
        "Owls at night", null, CollectionStatus.DRAFT, false, view.data(), 10, new BigDecimal("0.5"), Blockchain.BASE,
        null, null, false, null, false, false, false, now, now))).isFalse();
  }

  @Test
  void invalidRequestsAreRefusedNamingTheFieldBeforeAnythingIsCreated() {
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
        {"title": "t", "workflow_id": "%s", "variables": {"prompt": "x"}, "generations": 0}""".formatted(mockImage)),
        400, "VALIDATION_FAILED"))).containsExactly("generations");
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

    assertThat(stub.createsBy(user)).as("nothing was created for invalid requests").isEmpty();
    assertThat(data(calls.get("/jobs", GatewayCalls.user(user)), 200).get("total").asLong()).isZero();
  }

  @Test
  void aRefusalOfCollectionsServiceReachesTheClientAsItWas() {
    String user = newUser();
    stub.answers.put(user, Answer.REJECT);

    JsonNode refused = error(generate(user, body("{\"prompt\": \"x\"}")), 400, "VALIDATION_FAILED");

    assertThat(refused.get("error").asString()).isEqualTo("Validation failed");
    assertThat(refused.get("details")).isEqualTo(json.readTree("""
        [{"field": "title", "message": "is not allowed by the stub"},
         {"field": "metadata.price", "message": "is not for sale in the stub"}]"""));
    assertThat(data(calls.get("/jobs", GatewayCalls.user(user)), 200).get("total").asLong()).isZero();
  }

  @Test
  void whenCollectionsServiceIsDownFailingOrSlowTheAnswerIsA503WithoutInternals() {
    String user = newUser();
    stub.stop();
    try {
      assertUnavailable(generate(user, body("{\"prompt\": \"x\"}")), "cannot be reached");
    } finally {
      stub.restart();
    }

    stub.answers.put(user, Answer.FAIL);
    assertUnavailable(generate(user, body("{\"prompt\": \"x\"}")), "answered 500");

    stub.answers.put(user, Answer.SLOW);
    stub.slowAnswerMillis(4000);
    // The message shows the generator's 2 s timeout answered, not the stub's 4 s answer (how long
    // that takes is benchmark material, not a test's).
    assertUnavailable(generate(user, body("{\"prompt\": \"x\"}")), "did not answer within 2000 ms");

    assertThat(data(calls.get("/jobs", GatewayCalls.user(user)), 200).get("total").asLong()).isZero();
  }

  private void assertUnavailable(HttpResponse<String> response, String why) {
    JsonNode envelope = error(response, 503, "SERVICE_UNAVAILABLE");
    assertThat(envelope.get("error").asString()).startsWith("The collections service " + why);
    assertThat(response.body()).doesNotContain("Exception", "at io.", "at java.", "127.0.0.1");
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
    assertThat(stub.createsBy(user)).as("collections-service was asked once").hasSize(1);

    error(generate(GatewayCalls.user(user), body("{\"prompt\": \"y\"}"), key), 409, "CONFLICT");
    assertThat(stub.createsBy(user)).hasSize(1);
    assertThat(data(calls.get("/jobs", GatewayCalls.user(user)), 200).get("total").asLong()).isEqualTo(1);

    // Keys belong to their user: another user's same key is a request of its own.
    String other = newUser();
    JsonNode theirs = data(generate(GatewayCalls.user(other), body, key), 201);
    assertThat(theirs.get("collection_id")).isNotEqualTo(first.get("collection_id"));
  }

  @Test
  void aConcurrentDuplicateAnswersAsTheRequestThatClaimedTheKey() throws Exception {
    String user = newUser();
    String key = "cgen-" + UUID.randomUUID();
    String body = body("{\"prompt\": \"x\"}");
    // Both requests find the key unused and call collections-service before either commits.
    stub.answers.put(user, Answer.SLOW);
    stub.slowAnswerMillis(500);

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
    assertThat(stub.createsBy(user)).as("the loser's collection stays an unused draft").hasSize(2);
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
  void anAnonymousCallerIsA401AndNothingIsCreated() {
    int before = stub.calls.size();
    error(generate(CallerIdentity.anonymous(), body("{\"prompt\": \"x\"}"), null), 401, "UNAUTHORIZED");
    assertThat(stub.calls).hasSize(before);
  }
}
