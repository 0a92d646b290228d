package io.emprops.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.emprops.events.contract.CreditsGranted;
import io.emprops.events.contract.EventHeaders;
import io.emprops.events.contract.EventJson;
import io.emprops.events.contract.Topic;
import io.emprops.events.inbox.MalformedEventException;
import io.emprops.events.outbox.Outbox;
import io.emprops.events.testapp.EventsTestApplication;
import io.emprops.events.testapp.RecordingHandlers;
import io.emprops.events.testing.KafkaTopics;
import io.emprops.events.testing.TestEvents;
import io.emprops.events.testing.TopicRecorder;
import io.emprops.localstack.testing.EmbeddedInfrastructure;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The inbox with {@code emprops.events.inbox.batch-size} above 1, on real Postgres and Kafka: a
 * burst is handled in a few transactions, each event once; a poison or malformed event in a batch
 * is still retried and parked alone, and the events around it are handled.
 */
@SpringBootTest(classes = EventsTestApplication.class, properties = {
    "spring.application.name=collections-service",
    "emprops.service.schema=collections",
    "spring.flyway.schemas=collections",
    "emprops.events.relay.leader-check-interval=250ms",
    "emprops.events.inbox.group-id=batched-inbox-test",
    "emprops.events.inbox.initial-backoff=50ms",
    "emprops.events.inbox.batch-size=50"})
@EmbeddedInfrastructure(app = "collections-service")
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class BatchedInboxTest {

  private static final String NAMESPACE = KafkaTopics.freshNamespace("batched");
  private static TopicRecorder recorder;

  @Autowired Outbox outbox;
  @Autowired TransactionTemplate transactions;
  @Autowired JdbcClient jdbc;
  @Autowired MeterRegistry meters;

  @DynamicPropertySource
  static void namespace(DynamicPropertyRegistry registry) {
    registry.add("emprops.events.namespace", () -> NAMESPACE);
  }

  @BeforeAll
  static void recordTopics() {
    recorder = new TopicRecorder(KafkaTopics.allTopics(NAMESPACE));
  }

  @AfterAll
  static void stopRecording() throws InterruptedException {
    recorder.close();
  }

  @Test
  void aBurstIsHandledOnceEachInFewerTransactionsThanEvents() {
    String userId = "user-" + UUID.randomUUID();
    List<UUID> events = transactions.execute(status -> IntStream.range(0, 200)
        .mapToObj(i -> outbox.publish(TestEvents.creditsGranted(userId, 1, "burst-" + i))).toList());

    await().atMost(Duration.ofSeconds(30)).until(() -> effects(userId) >= 200);
    assertThat(effects(userId)).isEqualTo(200);
    // A claim's handled_at is its transaction's start: one value per transaction.
    long transactionsUsed = jdbc.sql("""
            SELECT count(DISTINCT handled_at) FROM inbox
            WHERE consumer_name = 'test.record-grant' AND event_id IN (:events)""")
        .param("events", events).query(Long.class).single();
    assertThat(transactionsUsed).isBetween(1L, 100L);
  }

  @Test
  void aPoisonEventInABatchIsParkedAloneAndTheEventsAroundItAreHandled() {
    String userId = "user-" + UUID.randomUUID();
    // One account: one partition, the poison between the healthy events.
    List<UUID> events = transactions.execute(status -> List.of(
        outbox.publish(TestEvents.creditsGranted(userId, 1, "before")),
        outbox.publish(TestEvents.creditsGranted(userId, 1, RecordingHandlers.POISON)),
        outbox.publish(TestEvents.creditsGranted(userId, 1, "after"))));

    ConsumerRecord<String, byte[]> deadLetter =
        recorder.awaitRecord(Topic.CREDITS.deadLetterTopicName(NAMESPACE), events.get(1));
    assertThat(TopicRecorder.header(deadLetter, "kafka_dlt-exception-message"))
        .contains("cannot grant credits for reason poison");
    await().atMost(Duration.ofSeconds(30)).until(() -> effects(userId) >= 2);
    assertThat(jdbc.sql("SELECT detail FROM effects WHERE aggregate_id = ? ORDER BY detail").param(userId)
        .query(String.class).list()).containsExactly("after", "before");
    assertThat(meters.counter("emprops.events.batches.split").count()).isPositive();
  }

  @Test
  void aMalformedRecordInABatchSkipsTheRetriesAndTheNextEventIsHandled() throws Exception {
    String userId = "user-" + UUID.randomUUID();
    String topic = Topic.CREDITS.topicName(NAMESPACE);
    UUID garbageId = UUID.randomUUID();
    ProducerRecord<String, byte[]> garbage = new ProducerRecord<>(topic, userId,
        "{\"user_id\": 42".getBytes(StandardCharsets.UTF_8));
    garbage.headers()
        .add(EventHeaders.EVENT_ID, garbageId.toString().getBytes(StandardCharsets.UTF_8))
        .add(EventHeaders.EVENT_TYPE, "CreditsGranted.v1".getBytes(StandardCharsets.UTF_8))
        .add(EventHeaders.OCCURRED_AT, Instant.now().toString().getBytes(StandardCharsets.UTF_8));
    CreditsGranted healthy = TestEvents.creditsGranted(userId, 1, "healthy");
    ProducerRecord<String, byte[]> next = new ProducerRecord<>(topic, userId,
        EventJson.serialize(healthy).getBytes(StandardCharsets.UTF_8));
    next.headers()
        .add(EventHeaders.EVENT_ID, UUID.randomUUID().toString().getBytes(StandardCharsets.UTF_8))
        .add(EventHeaders.EVENT_TYPE, "CreditsGranted.v1".getBytes(StandardCharsets.UTF_8))
        .add(EventHeaders.OCCURRED_AT, Instant.now().toString().getBytes(StandardCharsets.UTF_8));
    try (KafkaProducer<String, byte[]> producer = KafkaTopics.rawProducer()) {
      producer.send(garbage);
      producer.send(next).get();
    }

    ConsumerRecord<String, byte[]> deadLetter =
        recorder.awaitRecord(Topic.CREDITS.deadLetterTopicName(NAMESPACE), garbageId);
    assertThat(TopicRecorder.header(deadLetter, "kafka_dlt-exception-cause-fqcn"))
        .isEqualTo(MalformedEventException.class.getName());
    await().atMost(Duration.ofSeconds(30)).until(() -> effects(userId) >= 1);
    assertThat(effects(userId)).isEqualTo(1);
  }

  private long effects(String userId) {
    return jdbc.sql("SELECT count(*) FROM effects WHERE aggregate_id = ?").param(userId).query(Long.class).single();
  }
}
