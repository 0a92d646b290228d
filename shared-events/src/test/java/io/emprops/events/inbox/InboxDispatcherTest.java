package io.emprops.events.inbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.emprops.events.contract.CollectionPublishRequested;
import io.emprops.events.contract.CreditsGranted;
import io.emprops.events.contract.EventHeaders;
import io.emprops.events.contract.EventJson;
import io.emprops.events.contract.GenerationRequested;
import io.emprops.events.testing.ServiceDatabase;
import io.emprops.events.testing.TestEvents;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.kafka.listener.BatchListenerFailedException;

/** One consumed record through the handlers of its type, against a real inbox table. */
class InboxDispatcherTest {

  private static ServiceDatabase database;

  private final InboxHandlers handlers = new InboxHandlers();
  private final List<String> effects = new CopyOnWriteArrayList<>();
  private InboxDispatcher dispatcher;

  @BeforeAll
  static void provision() {
    database = ServiceDatabase.provision("inbox_dispatch");
  }

  @AfterAll
  static void release() {
    database.close();
  }

  @BeforeEach
  void dispatcher() {
    dispatcher = new InboxDispatcher(handlers, new Inbox(database.dataSource(), database.schema()),
        database.transactions(), new InboxMetrics(new SimpleMeterRegistry()), Clock.systemUTC());
  }

  @Test
  void aHandlerThatCommittedIsSkippedWhenTheEventComesBackForAnotherThatFailed() {
    boolean[] auditFails = {true};
    handlers.register("ledger", CreditsGranted.class, (event, metadata) -> effects.add("ledger"));
    handlers.register("audit", CreditsGranted.class, (event, metadata) -> {
      if (auditFails[0]) {
        throw new IllegalStateException("audit store unavailable");
      }
      effects.add("audit");
    });
    ConsumerRecord<String, byte[]> record = record(UUID.randomUUID(), "CreditsGranted.v1",
        EventJson.serialize(TestEvents.creditsGranted("user-1", 5, "welcome")));

    assertThatThrownBy(() -> dispatcher.onMessage(record)).hasMessage("audit store unavailable");
    auditFails[0] = false;
    dispatcher.onMessage(record);
    dispatcher.onMessage(record);

    assertThat(effects).containsExactly("ledger", "audit");
  }

  @Test
  void aFailedHandlerLeavesNoClaimBehind() {
    handlers.register("failing", GenerationRequested.class, (event, metadata) -> {
      throw new IllegalStateException("boom");
    });
    UUID eventId = UUID.randomUUID();
    ConsumerRecord<String, byte[]> record = record(eventId, "GenerationRequested.v1",
        EventJson.serialize(TestEvents.generationRequested(UUID.randomUUID(), 1)));

    assertThatThrownBy(() -> dispatcher.onMessage(record)).isInstanceOf(IllegalStateException.class);
    assertThat(claims(eventId)).isZero();
  }

  @Test
  void eventsWithoutHandlersAreAcknowledgedWithoutAClaim() {
    handlers.register("grants", CreditsGranted.class, (event, metadata) -> effects.add("grant"));
    UUID eventId = UUID.randomUUID();

    dispatcher.onMessage(record(eventId, "GenerationRequested.v1",
        EventJson.serialize(TestEvents.generationRequested(UUID.randomUUID(), 1))));
    dispatcher.onMessage(record(UUID.randomUUID(), "GenerationRequested.v9", "{}"));

    assertThat(effects).isEmpty();
    assertThat(claims(eventId)).isZero();
  }

  @Test
  void recordsThatAreNotReadableEventsAreMalformed() {
    handlers.register("publisher", CollectionPublishRequested.class, (event, metadata) -> effects.add("publish"));
    ConsumerRecord<String, byte[]> withoutEventId = new ConsumerRecord<>("t", 0, 0, "key", "{}".getBytes(StandardCharsets.UTF_8));
    // A required list missing: the record's constructor refuses it.
    ConsumerRecord<String, byte[]> incomplete = record(UUID.randomUUID(), "CollectionPublishRequested.v1", """
        {"collection_id": "6f1c2d3e-4b5a-4c6d-8e7f-9a0b1c2d3e4f", "user_id": "u", "editions": 1}""");

    assertThatThrownBy(() -> dispatcher.onMessage(withoutEventId)).isInstanceOf(MalformedEventException.class);
    assertThatThrownBy(() -> dispatcher.onMessage(incomplete)).isInstanceOf(MalformedEventException.class);
    assertThat(effects).isEmpty();
  }

  @Test
  void aBatchIsHandledInOneTransactionEachOfItsEventsOnce() {
    List<Long> transactionIds = new CopyOnWriteArrayList<>();
    handlers.register("ledger", CreditsGranted.class, (event, metadata) -> {
      effects.add(event.reason());
      transactionIds.add(database.jdbc().sql("SELECT txid_current()").query(Long.class).single());
    });
    ConsumerRecord<String, byte[]> handledBefore = grant("before");
    ConsumerRecord<String, byte[]> second = grant("second");
    ConsumerRecord<String, byte[]> third = grant("third");
    dispatcher.onMessage(handledBefore);

    dispatcher.onBatch(List.of(handledBefore, second, third, second));

    assertThat(effects).containsExactly("before", "second", "third");
    assertThat(transactionIds.subList(1, 3)).containsOnly(transactionIds.get(1));
    assertThat(transactionIds.get(1)).isNotEqualTo(transactionIds.get(0));
    assertThat(claims(eventId(second))).isEqualTo(1);
  }

  @Test
  void inABatchEachHandlerSkipsOnlyTheEventsItHandledBefore() {
    boolean[] auditFails = {true};
    handlers.register("ledger", CreditsGranted.class, (event, metadata) -> effects.add("ledger " + event.reason()));
    handlers.register("audit", CreditsGranted.class, (event, metadata) -> {
      if (auditFails[0]) {
        throw new IllegalStateException("audit store unavailable");
      }
      effects.add("audit " + event.reason());
    });
    ConsumerRecord<String, byte[]> first = grant("first");
    ConsumerRecord<String, byte[]> second = grant("second");
    assertThatThrownBy(() -> dispatcher.onMessage(first)).hasMessage("audit store unavailable");
    auditFails[0] = false;

    dispatcher.onBatch(List.of(first, second));

    assertThat(effects).containsExactly("ledger first", "audit first", "ledger second", "audit second");
  }

  @Test
  void aFailingBatchIsHandledOneAtATimeUpToTheEventThatFailsAgain() {
    handlers.register("ledger", CreditsGranted.class, (event, metadata) -> {
      if (event.reason().equals("poison")) {
        throw new IllegalStateException("cannot grant");
      }
      effects.add(event.reason());
    });
    ConsumerRecord<String, byte[]> healthy = grant("healthy");
    ConsumerRecord<String, byte[]> poison = grant("poison");
    ConsumerRecord<String, byte[]> after = grant("after");

    assertThatThrownBy(() -> dispatcher.onBatch(List.of(healthy, poison, after)))
        .isInstanceOfSatisfying(BatchListenerFailedException.class, e -> {
          assertThat(e.getRecord()).isSameAs(poison);
          assertThat(e.getCause()).hasMessage("cannot grant");
        });

    // The batch's transaction rolled back (this list is not transactional: the healthy handler's
    // first run shows); one at a time, the event before the poison committed.
    assertThat(effects).containsExactly("healthy", "healthy");
    assertThat(claims(eventId(healthy))).isEqualTo(1);
    assertThat(claims(eventId(poison))).isZero();
    assertThat(claims(eventId(after))).isZero();
  }

  @Test
  void aMalformedEventInABatchIsReportedAsMalformedByPosition() {
    handlers.register("ledger", CreditsGranted.class, (event, metadata) -> effects.add(event.reason()));
    ConsumerRecord<String, byte[]> healthy = grant("healthy");
    ConsumerRecord<String, byte[]> garbage = record(UUID.randomUUID(), "CreditsGranted.v1", "{\"user_id\": 42");

    assertThatThrownBy(() -> dispatcher.onBatch(List.of(healthy, garbage)))
        .isInstanceOfSatisfying(BatchListenerFailedException.class, e -> {
          assertThat(e.getRecord()).isSameAs(garbage);
          assertThat(e.getCause()).isInstanceOf(MalformedEventException.class);
        });
    assertThat(claims(eventId(healthy))).isEqualTo(1);
  }

  private static ConsumerRecord<String, byte[]> grant(String reason) {
    return record(UUID.randomUUID(), "CreditsGranted.v1",
        EventJson.serialize(TestEvents.creditsGranted("user-" + UUID.randomUUID(), 5, reason)));
  }

  private static UUID eventId(ConsumerRecord<String, byte[]> record) {
    return UUID.fromString(new String(record.headers().lastHeader(EventHeaders.EVENT_ID).value(), StandardCharsets.UTF_8));
  }

  private static ConsumerRecord<String, byte[]> record(UUID eventId, String type, String payload) {
    ConsumerRecord<String, byte[]> record = new ConsumerRecord<>("test.topic", 0, 0, "key", payload.getBytes(StandardCharsets.UTF_8));
    record.headers()
        .add(EventHeaders.EVENT_ID, eventId.toString().getBytes(StandardCharsets.UTF_8))
        .add(EventHeaders.EVENT_TYPE, type.getBytes(StandardCharsets.UTF_8))
        .add(EventHeaders.OCCURRED_AT, Instant.now().toString().getBytes(StandardCharsets.UTF_8));
    return record;
  }

  private static long claims(UUID eventId) {
    return database.jdbc().sql("SELECT count(*) FROM inbox WHERE event_id = ?").param(eventId).query(Long.class).single();
  }
}
