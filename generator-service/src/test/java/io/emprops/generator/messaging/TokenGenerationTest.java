package io.emprops.generator.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.emprops.events.contract.Blockchain;
import io.emprops.events.contract.CollectionCreated;
import io.emprops.events.contract.CollectionSnapshot;
import io.emprops.events.contract.CollectionStatus;
import io.emprops.events.contract.CollectionUpdated;
import io.emprops.events.contract.EventJson;
import io.emprops.events.contract.GenerationCompleted;
import io.emprops.events.contract.GenerationFailed;
import io.emprops.events.contract.GenerationStepCompleted;
import io.emprops.events.contract.TokenMinted;
import io.emprops.events.contract.Topic;
import io.emprops.events.testing.EventDelivery;
import io.emprops.events.testing.TopicRecorder;
import io.emprops.generator.api.StorageServiceStandIn;
import io.emprops.generator.domain.engine.GenerationPlan;
import io.emprops.generator.domain.engine.HashSeededPicker;
import io.emprops.generator.domain.engine.InstructionSet;
import io.emprops.generator.domain.token.TokenGenerations;
import io.emprops.generator.domain.workflow.WorkflowCatalog;
import io.emprops.generator.domain.workflow.WorkflowDraft;
import io.emprops.generator.persistence.CollectionViewRepository;
import io.emprops.generator.persistence.JobRepository;
import io.emprops.generator.persistence.WaitingTokenRepository;
import io.emprops.generator.queue.WorkerSimulator;
import io.emprops.jobqueue.QueueKeys;
import io.emprops.localstack.testing.EmbeddedInfrastructure;
import io.emprops.localstack.testing.SharedInfrastructure;
import io.emprops.web.testing.GatewayCalls;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
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
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A minted token's generation, end to end inside the service: {@code TokenMinted} delivered over
 * Kafka as publishing announces it, the job's steps run by simulated workers over the real
 * job-queue protocol in Redis, its outputs stored by a stand-in for storage-service, and its
 * outcome read back from Kafka. No stand-in for credits-service runs: a token's generation is paid
 * by its mint and must never wait for credits.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@EmbeddedInfrastructure(app = "generator-service")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TokenGenerationTest {

  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final String CONSUMER = "generator.token-minted";
  private static final List<String> MOODS = List.of("calm", "wild", "still", "loud");

  @Autowired Environment environment;
  @Autowired CollectionViewRepository collections;
  @Autowired WorkflowCatalog workflows;
  @Autowired JobRepository jobRows;
  @Autowired JdbcClient jdbc;
  @Autowired WaitingTokenRepository waitingTokens;
  private final JsonMapper json = JsonMapper.builder().build();
  private final List<WorkerSimulator> workers = new ArrayList<>();
  private GatewayCalls calls;
  private EventDelivery delivery;
  private StorageServiceStandIn storage;
  private TopicRecorder generations;
  private RedisClient redisClient;
  private StatefulRedisConnection<String, String> redis;

  @BeforeAll
  void start() {
    delivery = new EventDelivery(Topic.DEFAULT_NAMESPACE);
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
    delivery.close();
  }

  @BeforeEach
  void connect() {
    calls = new GatewayCalls("http://127.0.0.1:" + environment.getProperty("local.server.port"),
        environment.getProperty("emprops.internal.secret"));
  }

  // --- the scenarios ---------------------------------------------------------------------------

  @Test
  void aTokenMintedTwiceStartsOneGenerationPaidByTheMintSeededByItsHashThatCompletesWithNothingSpent() {
    Collection c = new Collection();
    c.publish();
    String hash = newHash();
    TokenMinted minted = c.minted(7, hash);
    UUID announcement = UUID.randomUUID();
    delivery.send(minted, announcement);
    delivery.send(minted, announcement); // redelivered
    UUID again = delivery.send(minted); // announced a second time, as a new event

    await().atMost(WAIT).until(() -> handled(announcement) && handled(again));
    UUID jobId = minted.generationJobId();
    assertThat(jdbc.sql("SELECT id FROM jobs WHERE collection_id = ?").param(c.id).query(UUID.class).list())
        .as("one job, under the id derived from the token").containsExactly(jobId);

    WorkerSimulator worker = c.worker("w-token");
    String step = claim(worker);
    assertThat(field(step, "workflow_id")).isEqualTo(jobId.toString());
    JsonNode payload = json.readTree(field(step, "payload"));
    String mood = HashSeededPicker.pick(hash, "mood", MOODS, List.of(1.0, 1.0, 1.0, 1.0));
    assertThat(payload.get("prompt").asString()).as("the pick is drawn by the token's hash").isEqualTo("a fox, " + mood);
    assertThat(payload.get("seed").asLong()).as("a seed derived from the hash").isNotZero();
    worker.start(step);
    worker.complete(step, WorkerSimulator.imageUrl("https://cdn.test/" + step + ".png", "image/png"));

    JsonNode job = awaitStatus(jobId, c.owner, "completed");
    assertThat(job.get("cost").asLong()).isZero();
    assertThat(job.get("collection_id").asString()).isEqualTo(c.id.toString());
    JsonNode token = job.get("token");
    assertThat(token.get("collection_id").asString()).isEqualTo(c.id.toString());
    assertThat(token.get("token_id").asLong()).isEqualTo(7);
    assertThat(token.get("hash").asString()).isEqualTo(hash);
    assertThat(job.get("outputs")).singleElement().satisfies(output -> {
      assertThat(output.get("status").asString()).isEqualTo("stored");
      assertThat(output.get("url").asString()).startsWith(StorageServiceStandIn.CDN);
    });
    assertThat(events(jobId, GenerationCompleted.class)).singleElement().satisfies(completed -> {
      assertThat(completed.amountSpent()).isZero();
      assertThat(completed.userId()).isEqualTo(c.owner);
      assertThat(completed.outputs()).hasSize(1);
    });
    assertThat(events(jobId, GenerationStepCompleted.class)).singleElement().satisfies(output -> {
      assertThat(output.hash()).isEqualTo(hash);
      assertThat(output.variables().get("mood").asString()).isEqualTo(mood);
      assertThat(output.variables().get("subject").asString()).isEqualTo("fox");
    });
    assertThat(records(jobId, "GenerationRequested.v1")).as("no credit is asked for").isEmpty();
    assertThat(data(calls.get("/jobs/" + jobId + "/history", GatewayCalls.user(c.owner))).get(0).get("message")
        .asString()).contains("paid by the mint");
    assertThat(calls.get("/jobs/" + jobId, GatewayCalls.user("someone-else")).statusCode()).isEqualTo(404);
  }

  @Test
  void aTokenOfACollectionTheGeneratorDoesNotKnowYetWaitsAndStartsWhenTheCollectionArrives() {
    Collection c = new Collection();
    TokenMinted minted = c.minted(1, newHash());
    UUID jobId = minted.generationJobId();
    UUID announcement = delivery.send(minted);

    await().atMost(WAIT).until(() -> handled(announcement));
    assertThat(jobRows.find(jobId)).as("no job while the collection is unknown").isEmpty();
    assertThat(waitingTokens.isWaiting(jobId)).isTrue();

    UUID arrival = delivery.send(new CollectionCreated(c.snapshot(false)));

    String step = claim(c.worker("w-late"));
    assertThat(field(step, "workflow_id")).isEqualTo(jobId.toString());
    assertThat(jobRows.find(jobId).orElseThrow().userId()).isEqualTo(c.owner);
    assertThat(handledBy("generator.collection-created", arrival)).isTrue();
    assertThat(waitingTokens.isWaiting(jobId)).isFalse();
    delivery.send(minted); // announced again once started: nothing changes
    UUID collectionAgain = delivery.send(new CollectionUpdated(c.snapshot(false, 2)));
    await().atMost(WAIT).until(() -> handledBy("generator.collection-updated", collectionAgain));
    assertThat(jdbc.sql("SELECT count(*) FROM jobs WHERE collection_id = ?").param(c.id).query(Long.class).single())
        .isEqualTo(1);
  }

  @Test
  void tokensWithTheSameCollectionAndHashGetTheSameStepPayloadsAndAnotherHashOthers() {
    Collection c = new Collection();
    c.publish();
    String hash = newHash();
    String other = newHash();
    TokenMinted first = c.minted(1, hash);
    TokenMinted twin = c.minted(2, hash);
    TokenMinted different = c.minted(3, other);
    List.of(first, twin, different).forEach(delivery::send);

    WorkerSimulator worker = c.worker("w-repro");
    Map<String, JsonNode> payloadByJob = new java.util.HashMap<>();
    for (int i = 0; i < 3; i++) {
      String step = claim(worker);
      payloadByJob.put(field(step, "workflow_id"), json.readTree(field(step, "payload")));
    }
    JsonNode ofFirst = payloadByJob.get(first.generationJobId().toString());
    JsonNode ofTwin = payloadByJob.get(twin.generationJobId().toString());
    JsonNode ofDifferent = payloadByJob.get(different.generationJobId().toString());
    assertThat(ofTwin).as("prompt, picks and seed").isEqualTo(ofFirst);
    assertThat(ofDifferent.get("seed")).isNotEqualTo(ofFirst.get("seed"));
    assertThat(ofDifferent).isNotEqualTo(ofFirst);

    // The token's generation is planned as an ordinary generation given that hash would be.
    JsonNode planned = json.readTree(jobRows.plan(first.generationJobId())).get("generations").get(0);
    GenerationPlan.Generation ordinary = GenerationPlan.plan(InstructionSet.read(c.data()), null, 1, List.of(hash))
        .generations().getFirst();
    assertThat(planned.get("hash").asString()).isEqualTo(ordinary.hash());
    ordinary.variables().forEach((name, value) -> assertThat(planned.get("variables").get(name)).isEqualTo(value));
  }

  @Test
  void aTokenOfAnArchivedCollectionStillGetsItsGeneration() {
    Collection c = new Collection();
    collections.apply(c.snapshot(true));
    TokenMinted minted = c.minted(4, newHash());
    delivery.send(minted);

    String step = claim(c.worker("w-archived"));
    assertThat(field(step, "workflow_id")).isEqualTo(minted.generationJobId().toString());
  }

  @Test
  void aFailedTokenGenerationFailsAsAnyAndItsOwnerRetriesItWithoutCredits() {
    Collection c = new Collection();
    c.publish();
    TokenMinted minted = c.minted(9, newHash());
    UUID jobId = minted.generationJobId();
    delivery.send(minted);
    WorkerSimulator worker = c.worker("w-fail");
    String step = claim(worker);
    worker.start(step);
    worker.failPermanently(step, "out of memory");

    JsonNode failed = awaitStatus(jobId, c.owner, "failed");
    assertThat(failed.get("error").asString()).contains("out of memory");
    assertThat(events(jobId, GenerationFailed.class)).singleElement().satisfies(event -> {
      assertThat(event.code()).isEqualTo("GENERATION_FAILED");
      assertThat(event.amountSpent()).isZero();
    });

    HttpResponse<String> response = calls.post("/jobs/" + jobId + "/retry", GatewayCalls.user(c.owner), "");
    assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
    UUID retryId = UUID.fromString(json.readTree(response.body()).get("data").get("job_id").asString());
    assertThat(retryId).isEqualTo(TokenGenerations.retryJobIdOf(jobId));
    assertThat(json.readTree(response.body()).get("data").get("status").asString()).isNotEqualTo("pending");
    String again = claim(worker);
    assertThat(field(again, "workflow_id")).isEqualTo(retryId.toString());
    assertThat(json.readTree(field(again, "payload"))).as("the same step input").isEqualTo(
        json.readTree(field(step, "payload")));
    worker.complete(again, WorkerSimulator.imageUrl("https://cdn.test/" + again + ".png", "image/png"));

    JsonNode retried = awaitStatus(retryId, c.owner, "completed");
    assertThat(retried.get("token").get("token_id").asLong()).isEqualTo(9);
    assertThat(events(retryId, GenerationCompleted.class)).singleElement()
        .satisfies(completed -> assertThat(completed.amountSpent()).isZero());
    assertThat(records(jobId, "GenerationRequested.v1")).isEmpty();
    assertThat(records(retryId, "GenerationRequested.v1")).isEmpty();
  }

  @Test
  void aTokenWhoseStepsCannotRunFailsAtOnceAndCannotBeRetried() {
    Collection c = new Collection("wf-missing-" + UUID.randomUUID());
    c.publish();
    TokenMinted minted = c.minted(2, newHash());
    delivery.send(minted);

    JsonNode job = awaitStatus(minted.generationJobId(), c.owner, "failed");
    assertThat(job.get("error").asString()).contains("does not exist");
    assertThat(job.get("token").get("token_id").asLong()).isEqualTo(2);
    assertThat(events(minted.generationJobId(), GenerationFailed.class)).singleElement()
        .satisfies(failed -> assertThat(failed.amountSpent()).isZero());
    assertThat(calls.post("/jobs/" + minted.generationJobId() + "/retry", GatewayCalls.user(c.owner), "")
        .statusCode()).isEqualTo(409);
  }

  // --- support ---------------------------------------------------------------------------------

  /** A collection with one step of its own queue service, whose workflow takes a seed. */
  private final class Collection {
    final UUID id = UUID.randomUUID();
    final String owner = "minter-owner-" + UUID.randomUUID();
    final String service = "svc-" + UUID.randomUUID().toString().substring(0, 8);
    final String workflow;

    Collection() {
      this(null);
    }

    /** @param missingWorkflow a workflow name that does not exist, or null for one made here */
    Collection(String missingWorkflow) {
      workflow = missingWorkflow != null ? missingWorkflow : "wf-" + service;
      if (missingWorkflow == null) {
        workflows.create(new WorkflowDraft(workflow, "test", "direct_job", json.readTree("""
            {"template": {"prompt": "{{prompt}}", "seed": "{{seed}}"},
             "fields": [{"name": "prompt", "type": "text", "required": true},
                        {"name": "seed", "type": "integer", "default": 0}]}"""),
            service, 5L, List.of(), true));
      }
    }

    JsonNode data() {
      return json.readTree("""
          {"version": "v2",
           "steps": [{"id": 1, "nodeName": "%s", "nodePayload": {"prompt": "a {{subject}}, {{mood}}"}}],
           "generations": {"generations": 3, "hashes": [], "use_custom_hashes": false},
           "variables": [{"name": "subject", "type": "text", "value": "fox"},
                         {"name": "mood", "type": "pick",
                          "value": {"values": ["calm", "wild", "still", "loud"], "weights": [1, 1, 1, 1]}}]}"""
          .formatted(workflow));
    }

    CollectionSnapshot snapshot(boolean archived) {
      return snapshot(archived, 1);
    }

    CollectionSnapshot snapshot(boolean archived, long revision) {
      return new CollectionSnapshot(id, UUID.randomUUID(), owner, revision, "t", "", CollectionStatus.PUBLISHED, archived,
          data(), null, null, null, null, null, false, null, false, false, false, Instant.now(), Instant.now());
    }

    void publish() {
      collections.apply(snapshot(false));
    }

    TokenMinted minted(long tokenId, String hash) {
      return new TokenMinted(id, owner, Blockchain.BASE, 31337, "0x" + "ab".repeat(20), tokenId,
          "0x" + "cd".repeat(20), hash, "0x" + "ef".repeat(32), 100 + tokenId, "0x" + "12".repeat(32),
          Instant.now());
    }

    WorkerSimulator worker(String name) {
      WorkerSimulator worker = new WorkerSimulator(redisClient, name + "-" + service, service);
      worker.heartbeat();
      workers.add(worker);
      return worker;
    }
  }

  private static String newHash() {
    byte[] bytes = new byte[32];
    ThreadLocalRandom.current().nextBytes(bytes);
    return "0x" + HexFormat.of().formatHex(bytes);
  }

  /** Whether the token handler has handled the event (its inbox claim commits with the effect). */
  private boolean handled(UUID eventId) {
    return handledBy(CONSUMER, eventId);
  }

  private boolean handledBy(String consumer, UUID eventId) {
    return jdbc.sql("SELECT count(*) FROM inbox WHERE consumer_name = ? AND event_id = ?").param(consumer)
        .param(eventId).query(Long.class).single() > 0;
  }

  private String claim(WorkerSimulator worker) {
    return await().atMost(WAIT).until(() -> worker.claim().orElse(null), id -> id != null);
  }

  private String field(String stepId, String name) {
    String value = redis.sync().hget(QueueKeys.job(stepId), name);
    return value == null ? "" : value;
  }

  private JsonNode awaitStatus(UUID jobId, String user, String status) {
    await().atMost(WAIT).until(() -> {
      HttpResponse<String> response = calls.get("/jobs/" + jobId, GatewayCalls.user(user));
      return response.statusCode() == 200 && status.equals(data(response).get("status").asString());
    });
    return data(calls.get("/jobs/" + jobId, GatewayCalls.user(user)));
  }

  private List<ConsumerRecord<String, byte[]>> records(UUID jobId, String type) {
    return generations.recordsOf(Topic.GENERATIONS.topicName()).stream()
        .filter(r -> jobId.toString().equals(r.key()) && type.equals(TopicRecorder.header(r, "eventType")))
        .toList();
  }

  private <T extends io.emprops.events.contract.DomainEvent> List<T> events(UUID jobId, Class<T> type) {
    String name = type.getSimpleName() + ".v1";
    await().atMost(WAIT).until(() -> !records(jobId, name).isEmpty());
    return records(jobId, name).stream().map(r -> EventJson.deserialize(r.value(), type)).toList();
  }

  private JsonNode data(HttpResponse<String> response) {
    assertThat(response.statusCode()).as(response.body()).isBetween(200, 299);
    return json.readTree(response.body()).get("data");
  }
}
