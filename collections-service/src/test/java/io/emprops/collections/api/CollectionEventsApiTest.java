package io.emprops.collections.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.emprops.collections.domain.Collections;
import io.emprops.events.contract.Blockchain;
import io.emprops.events.contract.CollectionArchived;
import io.emprops.events.contract.CollectionCreated;
import io.emprops.events.contract.CollectionPublishRequested;
import io.emprops.events.contract.CollectionSnapshot;
import io.emprops.events.contract.CollectionStatus;
import io.emprops.events.contract.CollectionUpdated;
import io.emprops.events.contract.DomainEvent;
import io.emprops.events.contract.EventHeaders;
import io.emprops.events.contract.EventJson;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;

/**
 * What the service publishes on {@code emprops.collections} (docs/events.md), read back from Kafka
 * after the outbox relay delivered it: changes made through the API, in commit order.
 */
class CollectionEventsApiTest extends ApiTestSupport {

  private static final Duration RELAYED = Duration.ofSeconds(30);

  @Autowired Collections collections;
  @Autowired TransactionTemplate transactions;

  CollectionsTopic topic;

  @BeforeEach
  void readTopic() {
    topic = new CollectionsTopic(environment.getProperty("spring.kafka.bootstrap-servers"));
  }

  @AfterEach
  void stopReading() {
    topic.close();
  }

  @Test
  void creatingUpdatingAndPublishingPublishTheFullStateKeyedByCollection() {
    JsonNode created = createCollection(alice, "Neon", THREE_STEPS);
    UUID id = UUID.fromString(created.get("id").asString());
    UUID projectId = UUID.fromString(created.get("project_id").asString());
    String owner = alice.userId().orElseThrow();
    assertThat(put(collectionPath(created), alice, "{\"blockchain\": \"BASE\", \"editions\": 3, \"price\": 0.05}")
        .statusCode()).isEqualTo(204);
    data(post(collectionPath(created) + "/receivers", alice, "{\"receivers\": ["
        + "{\"address\": \"" + EIP55_ADDRESS + "\", \"value\": 90},"
        + "{\"address\": \"" + SECOND_EIP55_ADDRESS + "\", \"value\": 10},"
        + "{\"address\": \"" + EIP55_ADDRESS + "\", \"value\": 5, \"type\": \"secondary\"}]}"), 200);
    data(post("/collections/" + id + "/publish", alice, ""), 202);

    List<ConsumerRecord<String, String>> records = awaitRecords(id, 4);
    assertThat(records).extracting(CollectionsTopic::eventType).containsExactly(
        "CollectionCreated.v1", "CollectionUpdated.v1", "CollectionUpdated.v1", "CollectionPublishRequested.v1");
    assertThat(records).allSatisfy(r -> assertThat(r.topic()).isEqualTo(CollectionsTopic.NAME));
    assertThat(records).extracting(r -> UUID.fromString(CollectionsTopic.header(r, EventHeaders.EVENT_ID)))
        .doesNotHaveDuplicates();

    CollectionSnapshot first = payload(records.get(0), CollectionCreated.class).collection();
    assertThat(first.collectionId()).isEqualTo(id);
    assertThat(first.projectId()).isEqualTo(projectId);
    assertThat(first.userId()).isEqualTo(owner);
    assertThat(first.revision()).isZero();
    assertThat(first.title()).isEqualTo("Neon");
    assertThat(first.status()).isEqualTo(CollectionStatus.DRAFT);
    assertThat(first.data()).isEqualTo(created.get("data"));
    assertThat(first.blockchain()).isNull();
    assertThat(first.previewEnabled()).isFalse();

    // An update carries the whole state after it, not just the fields that changed.
    CollectionSnapshot updated = payload(records.get(1), CollectionUpdated.class).collection();
    assertThat(updated.revision()).isEqualTo(1);
    assertThat(updated.blockchain()).isEqualTo(Blockchain.BASE);
    assertThat(updated.editions()).isEqualTo(3);
    assertThat(updated.price()).isEqualByComparingTo("0.05");
    assertThat(updated.title()).isEqualTo("Neon");
    assertThat(updated.data()).isEqualTo(created.get("data"));
    assertThat(updated.updatedAt()).isAfterOrEqualTo(first.updatedAt());

    CollectionPublishRequested publish = payload(records.get(3), CollectionPublishRequested.class);
    assertThat(publish.collectionId()).isEqualTo(id);
    assertThat(publish.projectId()).isEqualTo(projectId);
    assertThat(publish.userId()).isEqualTo(owner);
    assertThat(publish.revision()).isEqualTo(3);
    assertThat(publish.title()).isEqualTo("Neon");
    assertThat(publish.blockchain()).isEqualTo(Blockchain.BASE);
    assertThat(publish.editions()).isEqualTo(3);
    assertThat(publish.price()).isEqualByComparingTo("0.05");
    assertThat(publish.batchMintEnabled()).isFalse();
    assertThat(publish.receivers())
        .extracting(r -> r.address() + " " + r.value().stripTrailingZeros().toPlainString() + " " + r.type())
        .containsExactly(EIP55_ADDRESS + " 90 primary", SECOND_EIP55_ADDRESS + " 10 primary",
            EIP55_ADDRESS + " 5 secondary");
    assertThat(publish.requestedAt()).isNotNull();
  }

  @Test
  void aRolledBackChangeIsNeverPublished() {
    JsonNode created = createCollection(alice, "Before", THREE_STEPS);
    UUID id = UUID.fromString(created.get("id").asString());
    UUID projectId = UUID.fromString(created.get("project_id").asString());
    transactions.executeWithoutResult(status -> {
      collections.update(alice.userId().orElseThrow(), projectId, id, object("{\"title\": \"Rolled back\"}"), null);
      status.setRollbackOnly();
    });
    assertThat(put(collectionPath(created), alice, "{\"title\": \"Committed\"}").statusCode()).isEqualTo(204);

    // Both changes have the same key, so the same partition: the rolled-back one would come first.
    List<ConsumerRecord<String, String>> records = awaitRecords(id, 2);
    assertThat(records).extracting(CollectionsTopic::eventType)
        .containsExactly("CollectionCreated.v1", "CollectionUpdated.v1");
    CollectionSnapshot committed = payload(records.get(1), CollectionUpdated.class).collection();
    assertThat(committed.title()).isEqualTo("Committed");
    assertThat(committed.revision()).isEqualTo(1);
    assertThat(records).noneSatisfy(r -> assertThat(r.value()).contains("Rolled back"));
  }

  @Test
  void archivingAndDeletingTellReadModelsToStopOfferingTheCollection() {
    JsonNode created = createCollection(bob, "Short-lived", THREE_STEPS);
    UUID id = UUID.fromString(created.get("id").asString());
    String projectId = created.get("project_id").asString();
    assertThat(put(collectionPath(created), bob, "{\"archived\": true}").statusCode()).isEqualTo(204);
    assertThat(delete("/projects/" + projectId, bob).statusCode()).isEqualTo(204);

    List<ConsumerRecord<String, String>> records = awaitRecords(id, 3);
    assertThat(records).extracting(CollectionsTopic::eventType)
        .containsExactly("CollectionCreated.v1", "CollectionArchived.v1", "CollectionArchived.v1");
    CollectionArchived archived = payload(records.get(1), CollectionArchived.class);
    assertThat(archived.collectionId()).isEqualTo(id);
    assertThat(archived.projectId()).hasToString(projectId);
    assertThat(archived.userId()).isEqualTo(bob.userId().orElseThrow());
    assertThat(archived.revision()).isEqualTo(1);
    // Deleted: there is no contract of its own; the revision is past the last state's.
    CollectionArchived deleted = payload(records.get(2), CollectionArchived.class);
    assertThat(deleted.revision()).isEqualTo(2);
    assertThat(deleted.archivedAt()).isAfterOrEqualTo(archived.archivedAt());
  }

  /** Waits until the relay delivered at least {@code count} events of the collection. */
  private List<ConsumerRecord<String, String>> awaitRecords(UUID collectionId, int count) {
    return await().atMost(RELAYED).pollInSameThread().pollInterval(Duration.ofMillis(50))
        .until(() -> topic.recordsOf(collectionId), records -> records.size() >= count);
  }

  private static <E extends DomainEvent> E payload(ConsumerRecord<String, String> record, Class<E> type) {
    return EventJson.deserialize(record.value(), type);
  }
}
