package io.emprops.events.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.emprops.events.contract.EventJson;
import io.emprops.events.contract.GenerationRequested;
import io.emprops.events.testing.ServiceDatabase;
import io.emprops.events.testing.TestEvents;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.transaction.IllegalTransactionStateException;
import tools.jackson.core.type.TypeReference;

/**
 * The rows the writer produces. The outbox deletes them in the same transaction, so a test-only
 * trigger copies every insert into {@code outbox_capture} to look at them afterwards.
 */
class OutboxTest {

  private static ServiceDatabase database;
  private static ServiceDatabase otherService;

  @BeforeAll
  static void provision() {
    database = ServiceDatabase.provision("outbox_writer");
    otherService = ServiceDatabase.provision("outbox_other");
    database.jdbc().sql("""
        CREATE TABLE outbox_capture (LIKE outbox);
        ALTER TABLE outbox_capture ADD COLUMN inserted_order bigserial;
        CREATE FUNCTION capture_outbox() RETURNS trigger LANGUAGE plpgsql AS $$
          BEGIN INSERT INTO outbox_capture SELECT NEW.*; RETURN NEW; END $$;
        CREATE TRIGGER capture_outbox AFTER INSERT ON outbox FOR EACH ROW EXECUTE FUNCTION capture_outbox();
        """).update();
  }

  @AfterAll
  static void release() {
    database.close();
    otherService.close();
  }

  @Test
  void writesOneRowPerEventAndDeletesItInTheSameTransaction() {
    UUID jobId = UUID.randomUUID();
    GenerationRequested event = TestEvents.generationRequested(jobId, 3);
    Traceparent request = Traceparent.of("4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7", true);
    Outbox outbox = new Outbox(database.dataSource(), database.schema(),
        List.of(Optional::empty, () -> Optional.of(request)), Clock.systemUTC(), true);

    UUID eventId = database.transactions().execute(status -> outbox.publish(event));

    assertThat(database.jdbc().sql("SELECT count(*) FROM outbox").query(Long.class).single()).isZero();
    Map<String, Object> row = database.jdbc()
        .sql("SELECT aggregate_type, aggregate_id, type, payload::text, headers::text, created_at FROM outbox_capture WHERE id = ?")
        .param(eventId).query().singleRow();
    assertThat(row).containsEntry("aggregate_type", "generations")
        .containsEntry("aggregate_id", jobId.toString())
        .containsEntry("type", "GenerationRequested.v1");
    assertThat(EventJson.deserialize((String) row.get("payload"), GenerationRequested.class)).isEqualTo(event);
    Map<String, String> headers = EventJson.mapper().readValue((String) row.get("headers"), new TypeReference<>() {});
    assertThat(headers).containsOnlyKeys("eventId", "eventType", "occurredAt", "traceparent")
        .containsEntry("eventId", eventId.toString())
        .containsEntry("eventType", "GenerationRequested.v1")
        .containsEntry("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
    assertThat(Instant.parse(headers.get("occurredAt"))).isEqualTo(((Timestamp) row.get("created_at")).toInstant());
  }

  @Test
  void publishesSeveralEventsInTheirOrderWithOneNewTraceWhenThereIsNone() {
    List<UUID> ids = database.transactions().execute(status -> database.outbox().publishAll(List.of(
        TestEvents.generationRequested(UUID.randomUUID(), 1),
        TestEvents.creditsGranted("user-1", 5, "welcome"))));

    List<String> types = database.jdbc()
        .sql("SELECT type FROM outbox_capture WHERE id = ANY (?) ORDER BY array_position(?, id)")
        .params(ids.toArray(UUID[]::new), ids.toArray(UUID[]::new)).query(String.class).list();
    assertThat(types).containsExactly("GenerationRequested.v1", "CreditsGranted.v1");
    List<String> traces = database.jdbc()
        .sql("SELECT DISTINCT headers->>'traceparent' FROM outbox_capture WHERE id = ANY (?)")
        .param(ids.toArray(UUID[]::new)).query(String.class).list();
    assertThat(traces).singleElement().asString().matches("00-[0-9a-f]{32}-[0-9a-f]{16}-01");
  }

  @Test
  void manyEventsInOneCallAreWrittenInTheirOrderAcrossStatementsAndAllDeleted() {
    int events = 2 * Outbox.MAX_ROWS_PER_STATEMENT + 500;
    List<GenerationRequested> published = new java.util.ArrayList<>();
    for (int i = 0; i < events; i++) {
      published.add(TestEvents.generationRequested(UUID.randomUUID(), 1 + i % 7));
    }
    List<UUID> ids = database.transactions().execute(status -> database.outbox().publishAll(published));

    assertThat(database.jdbc().sql("SELECT count(*) FROM outbox").query(Long.class).single()).isZero();
    List<UUID> inserted = database.jdbc()
        .sql("SELECT id FROM outbox_capture WHERE id = ANY (?) ORDER BY inserted_order")
        .param(ids.toArray(UUID[]::new)).query(UUID.class).list();
    assertThat(inserted).as("inserted (so relayed) in the order published").containsExactlyElementsOf(ids);
    List<String> aggregates = database.jdbc()
        .sql("SELECT aggregate_id FROM outbox_capture WHERE id = ANY (?) ORDER BY inserted_order")
        .param(ids.toArray(UUID[]::new)).query(String.class).list();
    assertThat(aggregates).containsExactlyElementsOf(published.stream().map(e -> e.aggregateId()).toList());
  }

  @Test
  void publishingTransactionsCommitSynchronouslyUnlessConfiguredOtherwise() {
    // The embedded server runs with synchronous_commit=off, as zonky configures it.
    String synchronous = database.transactions().execute(status -> {
      database.outbox().publish(TestEvents.generationRequested(UUID.randomUUID(), 1));
      return database.jdbc().sql("SHOW synchronous_commit").query(String.class).single();
    });
    Outbox asConfigured = new Outbox(database.dataSource(), database.schema(), List.of(), Clock.systemUTC(), false);
    String serverDefault = database.transactions().execute(status -> {
      asConfigured.publish(TestEvents.generationRequested(UUID.randomUUID(), 1));
      return database.jdbc().sql("SHOW synchronous_commit").query(String.class).single();
    });

    assertThat(synchronous).isEqualTo("on");
    assertThat(serverDefault).isEqualTo("off");
  }

  @Test
  void refusesToRunWithoutATransaction() {
    assertThatThrownBy(() -> database.outbox().publish(TestEvents.generationRequested(UUID.randomUUID(), 1)))
        .isInstanceOf(IllegalTransactionStateException.class);
  }

  @Test
  void refusesATransactionOnAnotherDataSource() {
    // The insert would commit on its own, whatever became of the caller's transaction.
    assertThatThrownBy(() -> otherService.transactions().executeWithoutResult(
        status -> database.outbox().publish(TestEvents.generationRequested(UUID.randomUUID(), 1))))
        .isInstanceOf(IllegalTransactionStateException.class);
  }
}
