package io.emprops.collections.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.emprops.events.contract.Blockchain;
import io.emprops.events.contract.CollectionCreated;
import io.emprops.events.contract.CollectionGenerationRejected;
import io.emprops.events.contract.CollectionGenerationRequested;
import io.emprops.events.contract.EventJson;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The generator's {@code CollectionGenerationRequested} (its {@code POST /api/collections/generate}),
 * sent to Kafka as the generator's relay sends it: the collection is created once, with the
 * generator's id, in the user's default project, or refused with {@code CollectionGenerationRejected}.
 */
class GeneratedCollectionsApiTest extends EventConsumingApiTestSupport {

  private static final String CONSUMER = "collections.create-generated-collection";
  private final JsonMapper json = JsonMapper.builder().build();
  private CollectionsTopic topic;

  @BeforeEach
  void readTopic() {
    topic = new CollectionsTopic(environment.getProperty("spring.kafka.bootstrap-servers"));
  }

  @AfterEach
  void closeTopic() {
    topic.close();
  }

  private JsonNode instructionSet() {
    return json.readTree("""
        {"version": "v2",
         "steps": [{"id": 1, "nodeName": "mock-image", "alias": "mock-image",
                    "nodePayload": {"prompt": "an owl", "width": 512}}],
         "generations": {"generations": 2, "hashes": [], "use_custom_hashes": false},
         "variables": []}""");
  }

  private List<String> eventTypesOf(UUID collectionId) {
    return topic.recordsOf(collectionId).stream().map(CollectionsTopic::eventType).toList();
  }

  @Test
  void theRequestedCollectionIsCreatedOnceWithTheGeneratorsIdInTheDefaultProject() {
    String user = alice.userId().orElseThrow();
    UUID id = UUID.randomUUID();
    UUID job = UUID.randomUUID();
    CollectionGenerationRequested request = new CollectionGenerationRequested(id, job, user, "Owls at night",
        instructionSet(), 10, new BigDecimal("0.5"), Blockchain.BASE, Instant.now());

    UUID eventId = sender.send(request);
    sender.send(request, eventId);
    // The same request again under another event id (a producer's retry): still one collection.
    UUID again = sender.send(request);

    await().atMost(HANDLED).until(() -> isHandled(CONSUMER, eventId) && isHandled(CONSUMER, again));
    JsonNode collection = data(get("/collections/" + id, alice), 200);
    assertThat(collection.get("title").asString()).isEqualTo("Owls at night");
    assertThat(collection.get("status").asString()).isEqualTo("draft");
    assertThat(collection.get("editions").asInt()).isEqualTo(10);
    assertThat(collection.get("price").decimalValue()).isEqualByComparingTo("0.5");
    assertThat(collection.get("blockchain").asString()).isEqualTo("BASE");
    JsonNode step = collection.at("/data/steps/0");
    assertThat(step.get("nodeName").asString()).isEqualTo("mock-image");
    assertThat(step.get("fromId").asLong()).as("the generator's step id, kept").isEqualTo(1);
    assertThat(step.get("id").asLong()).as("a fresh component id").isNotEqualTo(1);
    JsonNode projects = data(get("/projects", alice), 200);
    assertThat(projects.get("total").longValue()).as("alice's default project, created for it").isEqualTo(1);
    assertThat(projects.at("/items/0/is_default").booleanValue()).isTrue();
    assertThat(projects.at("/items/0/id").asString()).isEqualTo(collection.get("project_id").asString());

    await().atMost(HANDLED).until(() -> eventTypesOf(id).contains("CollectionCreated.v1"));
    List<ConsumerRecord<String, String>> records = topic.recordsOf(id);
    assertThat(records).extracting(CollectionsTopic::eventType).containsExactly("CollectionCreated.v1");
    CollectionCreated created = EventJson.deserialize(records.getFirst().value(), CollectionCreated.class);
    assertThat(created.collection().collectionId()).isEqualTo(id);
    assertThat(created.collection().userId()).isEqualTo(user);
  }

  @Test
  void aCollectionItsRulesRefuseIsRejectedWithTheReasonAndNothingIsCreated() {
    String user = alice.userId().orElseThrow();
    UUID id = UUID.randomUUID();
    UUID job = UUID.randomUUID();

    UUID eventId = sender.send(new CollectionGenerationRequested(id, job, user, "t".repeat(201), instructionSet(),
        0, null, null, Instant.now()));

    await().atMost(HANDLED).until(() -> isHandled(CONSUMER, eventId));
    await().atMost(HANDLED).until(() -> eventTypesOf(id).contains("CollectionGenerationRejected.v1"));
    List<ConsumerRecord<String, String>> records = topic.recordsOf(id);
    assertThat(records).extracting(CollectionsTopic::eventType).containsExactly("CollectionGenerationRejected.v1");
    CollectionGenerationRejected rejected =
        EventJson.deserialize(records.getFirst().value(), CollectionGenerationRejected.class);
    assertThat(rejected.jobId()).isEqualTo(job);
    assertThat(rejected.userId()).isEqualTo(user);
    assertThat(rejected.reason()).contains("title", "editions");
    assertThat(get("/collections/" + id, alice).statusCode()).as("nothing was created").isEqualTo(404);
  }
}
