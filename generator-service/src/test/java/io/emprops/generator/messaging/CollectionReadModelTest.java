package io.emprops.generator.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.emprops.events.contract.CollectionArchived;
import io.emprops.events.contract.CollectionCreated;
import io.emprops.events.contract.CollectionSnapshot;
import io.emprops.events.contract.CollectionStatus;
import io.emprops.events.contract.CollectionUpdated;
import io.emprops.events.contract.Topic;
import io.emprops.events.testing.EventDelivery;
import io.emprops.generator.persistence.CollectionViewRepository;
import io.emprops.generator.persistence.CollectionViewRepository.CollectionView;
import io.emprops.localstack.testing.EmbeddedInfrastructure;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.json.JsonMapper;

/** The generator's copy of collections, fed over real Kafka as collections-service publishes. */
@SpringBootTest
@EmbeddedInfrastructure(app = "generator-service")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CollectionReadModelTest {

  private static final Duration WAIT = Duration.ofSeconds(30);

  @Autowired CollectionViewRepository views;
  @Autowired JdbcClient jdbc;
  private final JsonMapper json = JsonMapper.builder().build();
  private EventDelivery collections;

  @BeforeAll
  void connect() {
    collections = new EventDelivery(Topic.DEFAULT_NAMESPACE);
  }

  @AfterAll
  void disconnect() {
    collections.close();
  }

  private CollectionSnapshot snapshot(UUID id, long revision, String title) {
    return new CollectionSnapshot(id, UUID.randomUUID(), "owner-1", revision, title, "", CollectionStatus.DRAFT,
        false, json.readTree("{\"version\":\"v2\",\"steps\":[]}"), 10, null, null, null, null, false, null, false,
        true, false, Instant.now(), Instant.now());
  }

  private Optional<CollectionView> view(UUID id) {
    return views.find(id);
  }

  /** Whether the generator has handled the event (its inbox claim is committed with the effect). */
  private boolean handled(UUID eventId) {
    return jdbc.sql("SELECT count(*) FROM inbox WHERE event_id = ?").param(eventId).query(Long.class).single() > 0;
  }

  @Test
  void snapshotsApplyInRevisionOrderWhateverOrderTheyArriveIn() {
    UUID id = UUID.randomUUID();
    collections.send(new CollectionCreated(snapshot(id, 1, "first")));
    collections.send(new CollectionUpdated(snapshot(id, 3, "third")));
    UUID late = collections.send(new CollectionUpdated(snapshot(id, 2, "second (late)")));

    await().atMost(WAIT).until(() -> handled(late));
    CollectionView stored = view(id).orElseThrow();
    assertThat(stored.revision()).isEqualTo(3);
    assertThat(stored.previewEnabled()).isTrue();
    assertThat(stored.data().get("version").asString()).isEqualTo("v2");
  }

  @Test
  void anArchivedCollectionStaysArchivedEvenIfItsCreationArrivesLate() {
    UUID id = UUID.randomUUID();
    collections.send(new CollectionArchived(id, UUID.randomUUID(), "owner-1", 4, Instant.now()));
    UUID late = collections.send(new CollectionCreated(snapshot(id, 1, "late creation")));

    await().atMost(WAIT).until(() -> handled(late));
    CollectionView stored = view(id).orElseThrow();
    assertThat(stored.archived()).isTrue();
    assertThat(stored.revision()).isEqualTo(4);
  }

  @Test
  void aRedeliveredSnapshotChangesNothing() {
    UUID id = UUID.randomUUID();
    UUID eventId = UUID.randomUUID();
    collections.send(new CollectionCreated(snapshot(id, 1, "once")), eventId);
    await().atMost(WAIT).until(() -> view(id).isPresent());
    UUID newer = collections.send(new CollectionUpdated(snapshot(id, 2, "newer")));
    await().atMost(WAIT).until(() -> handled(newer));
    collections.send(new CollectionCreated(snapshot(id, 1, "once")), eventId);
    // Same key, same partition: once this later event is handled, the redelivery before it was too.
    UUID after = collections.send(new CollectionUpdated(snapshot(id, 3, "after")));

    await().atMost(WAIT).until(() -> handled(after));
    assertThat(jdbc.sql("SELECT count(*) FROM inbox WHERE event_id = ?").param(eventId).query(Long.class).single())
        .isEqualTo(1);
    assertThat(view(id).orElseThrow().revision()).isEqualTo(3);
  }
}
