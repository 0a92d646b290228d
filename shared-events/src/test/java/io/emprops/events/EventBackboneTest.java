package io.emprops.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.emprops.events.contract.CreditsGranted;
import io.emprops.events.contract.EventHeaders;
import io.emprops.events.contract.EventJson;
import io.emprops.events.contract.GenerationRequested;
import io.emprops.events.contract.Topic;
import io.emprops.events.inbox.MalformedEventException;
import io.emprops.events.outbox.Outbox;
import io.emprops.events.relay.OutboxRelay;
import io.emprops.events.relay.RelayHealthIndicator;
import io.emprops.events.relay.RelayState;
import io.emprops.events.testapp.EventsTestApplication;
import io.emprops.events.testapp.RecordingHandlers;
import io.emprops.events.testing.KafkaTopics;
import io.emprops.events.testing.TestEvents;
import io.emprops.events.testing.TopicRecorder;
import io.emprops.localstack.testing.EmbeddedInfrastructure;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Scope;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.transaction.IllegalTransactionStateException;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The backbone as a service sees it: a Spring Boot application with shared-events on its
 * classpath, configured like the local stack configures collections-service, on real Postgres and
 * Kafka. Writes go through the {@link Outbox} in the application's transactions; effects are rows
 * written by {@link RecordingHandlers} through the inbox.
 */
@SpringBootTest(classes = EventsTestApplication.class, properties = {
    "spring.application.name=collections-service",
    "emprops.service.schema=collections",
    "spring.flyway.schemas=collections",
    "emprops.events.relay.leader-check-interval=250ms",
    "emprops.events.inbox.initial-backoff=50ms",
    "emprops.events.inbox.concurrency=3"})
@EmbeddedInfrastructure(app = "collections-service")
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class EventBackboneTest {

  private static final String NAMESPACE = KafkaTopics.freshNamespace("backbone");
  private static final String GENERATIONS = Topic.GENERATIONS.topicName(NAMESPACE);
  private static final String CREDITS = Topic.CREDITS.topicName(NAMESPACE);
  private static TopicRecorder recorder;

  @Autowired Outbox outbox;
  @Autowired TransactionTemplate transactions;
  @Autowired JdbcClient jdbc;
  @Autowired OutboxRelay relay;
  @Autowired RelayHealthIndicator relayHealth;
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
  void committedEventIsRelayedWithItsHeadersAndHandledOnce() {
    UUID jobId = UUID.randomUUID();
    Instant before = Instant.now();
    UUID eventId = transactions.execute(status -> outbox.publish(TestEvents.generationRequested(jobId, 4)));

    awaitEffects(eventId, 1);
    ConsumerRecord<String, byte[]> record = recorder.awaitRecord(GENERATIONS, eventId);
    assertThat(record.key()).isEqualTo(jobId.toString());
    assertThat(TopicRecorder.header(record, EventHeaders.EVENT_TYPE)).isEqualTo("GenerationRequested.v1");
    assertThat(Instant.parse(TopicRecorder.header(record, EventHeaders.OCCURRED_AT))).isBetween(before, Instant.now());
    assertThat(TopicRecorder.header(record, EventHeaders.TRACEPARENT)).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-01");
    GenerationRequested relayed = EventJson.deserialize(record.value(), GenerationRequested.class);
    assertThat(relayed.jobId()).isEqualTo(jobId);
    assertThat(relayed.generations()).isEqualTo(4);
    // The outbox stays empty: rows are deleted in the transaction that wrote them.
    assertThat(jdbc.sql("SELECT count(*) FROM outbox").query(Long.class).single()).isZero();
  }

  @Test
  void rolledBackEventIsNeverPublished() {
    UUID jobId = UUID.randomUUID();
    UUID rolledBack = transactions.execute(status -> {
      UUID id = outbox.publish(TestEvents.generationRequested(jobId, 1));
      status.setRollbackOnly();
      return id;
    });
    // Same aggregate, so same partition and committed after: once it is here, the other would be.
    UUID committed = transactions.execute(status -> outbox.publish(TestEvents.generationRequested(jobId, 2)));

    awaitEffects(committed, 1);
    recorder.awaitRecord(GENERATIONS, committed);
    assertThat(recorder.eventIds()).doesNotContain(rolledBack);
    assertThat(effectCount(rolledBack)).isZero();
  }

  @Test
  void outboxRefusesToWriteOutsideATransaction() {
    assertThatThrownBy(() -> outbox.publish(TestEvents.generationRequested(UUID.randomUUID(), 1)))
        .isInstanceOf(IllegalTransactionStateException.class)
        .hasMessageContaining("inside the caller's transaction");
  }

  @Test
  void traceparentComesFromTheCurrentOpenTelemetrySpan() {
    SpanContext request = SpanContext.create("4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7",
        TraceFlags.getSampled(), TraceState.getDefault());
    UUID eventId;
    try (Scope scope = Span.wrap(request).makeCurrent()) {
      eventId = transactions.execute(status -> outbox.publish(TestEvents.generationRequested(UUID.randomUUID(), 1)));
    }
    assertThat(TopicRecorder.header(recorder.awaitRecord(GENERATIONS, eventId), EventHeaders.TRACEPARENT))
        .isEqualTo("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
  }

  @Test
  void eventsOfEachAggregateArriveInCommitOrder() {
    int aggregates = 100;
    int eventsPerAggregate = 100;
    List<UUID> jobs = IntStream.range(0, aggregates).mapToObj(i -> UUID.randomUUID()).toList();
    List<UUID> written = new ArrayList<>();
    // 100 transactions of 100 events, each transaction touching every aggregate once.
    for (int sequence = 1; sequence <= eventsPerAggregate; sequence++) {
      int current = sequence;
      written.addAll(transactions.execute(status -> outbox.publishAll(
          jobs.stream().map(job -> TestEvents.generationRequested(job, current)).toList())));
    }

    await().atMost(Duration.ofSeconds(60)).until(() -> new HashSet<>(recorder.eventIds()).containsAll(written));
    Map<String, List<Integer>> sequencesByAggregate = new HashMap<>();
    for (ConsumerRecord<String, byte[]> record : recorder.recordsOf(GENERATIONS)) {
      GenerationRequested event = EventJson.deserialize(record.value(), GenerationRequested.class);
      if (jobs.contains(event.jobId())) {
        sequencesByAggregate.computeIfAbsent(record.key(), k -> new ArrayList<>()).add(event.generations());
      }
    }
    List<Integer> inOrder = IntStream.rangeClosed(1, eventsPerAggregate).boxed().toList();
    assertThat(sequencesByAggregate).hasSize(aggregates);
    assertThat(sequencesByAggregate.values()).allSatisfy(sequences -> assertThat(sequences).isEqualTo(inOrder));
  }

  @Test
  void redeliveredEventHasOneEffect() throws Exception {
    UUID eventId = transactions.execute(status -> outbox.publish(TestEvents.generationRequested(UUID.randomUUID(), 1)));
    ConsumerRecord<String, byte[]> original = recorder.awaitRecord(GENERATIONS, eventId);
    awaitEffects(eventId, 1);
    double duplicatesBefore = handled("test.record-generation-request", "duplicate");

    try (KafkaProducer<String, byte[]> producer = KafkaTopics.rawProducer()) {
      for (int copy = 0; copy < 2; copy++) {
        producer.send(new ProducerRecord<>(GENERATIONS, null, original.key(), original.value(), original.headers())).get();
      }
    }

    await().atMost(Duration.ofSeconds(20))
        .until(() -> handled("test.record-generation-request", "duplicate") >= duplicatesBefore + 2);
    assertThat(effectCount(eventId)).isEqualTo(1);
  }

  @Test
  void poisonEventIsDeadLetteredAndLaterEventsOfItsPartitionStillHandled() {
    String userId = "user-" + UUID.randomUUID();
    UUID poison = transactions.execute(status -> outbox.publish(
        TestEvents.creditsGranted(userId, 10, RecordingHandlers.POISON)));
    // Same account: same partition, behind the poison event.
    UUID healthy = transactions.execute(status -> outbox.publish(TestEvents.creditsGranted(userId, 20, "welcome")));

    awaitEffects(healthy, 1);
    ConsumerRecord<String, byte[]> deadLetter = recorder.awaitRecord(Topic.CREDITS.deadLetterTopicName(NAMESPACE), poison);
    assertThat(TopicRecorder.header(deadLetter, "kafka_dlt-original-topic")).isEqualTo(CREDITS);
    assertThat(TopicRecorder.header(deadLetter, "kafka_dlt-exception-message"))
        .contains("cannot grant credits for reason poison");
    assertThat(TopicRecorder.header(deadLetter, EventHeaders.EVENT_TYPE)).isEqualTo("CreditsGranted.v1");
    assertThat(EventJson.deserialize(deadLetter.value(), CreditsGranted.class).userId()).isEqualTo(userId);
    assertThat(effectCount(poison)).isZero();
    // Three attempts, the last one recovered to the dead-letter topic.
    assertThat(handled("test.record-grant", "failed")).isGreaterThanOrEqualTo(3);
    assertThat(meters.counter("emprops.events.dead.lettered", "topic", CREDITS, "type", "CreditsGranted.v1").count())
        .isGreaterThanOrEqualTo(1);
  }

  @Test
  void malformedEventSkipsTheRetriesAndGoesToTheDeadLetterTopic() throws Exception {
    UUID eventId = UUID.randomUUID();
    ProducerRecord<String, byte[]> garbage = new ProducerRecord<>(GENERATIONS, "not-a-job",
        "{\"job_id\": 42".getBytes(StandardCharsets.UTF_8));
    garbage.headers()
        .add(EventHeaders.EVENT_ID, eventId.toString().getBytes(StandardCharsets.UTF_8))
        .add(EventHeaders.EVENT_TYPE, "GenerationRequested.v1".getBytes(StandardCharsets.UTF_8))
        .add(EventHeaders.OCCURRED_AT, Instant.now().toString().getBytes(StandardCharsets.UTF_8));
    try (KafkaProducer<String, byte[]> producer = KafkaTopics.rawProducer()) {
      producer.send(garbage).get();
    }

    ConsumerRecord<String, byte[]> deadLetter =
        recorder.awaitRecord(Topic.GENERATIONS.deadLetterTopicName(NAMESPACE), eventId);
    assertThat(TopicRecorder.header(deadLetter, "kafka_dlt-exception-fqcn"))
        .isEqualTo("org.springframework.kafka.listener.ListenerExecutionFailedException");
    assertThat(TopicRecorder.header(deadLetter, "kafka_dlt-exception-cause-fqcn"))
        .isEqualTo(MalformedEventException.class.getName());
  }

  @Test
  void relayReportsHealthAndMetrics() {
    UUID eventId = transactions.execute(status -> outbox.publish(TestEvents.generationRequested(UUID.randomUUID(), 1)));
    recorder.awaitRecord(GENERATIONS, eventId);
    // The consumer's lag is recorded once its handler ran, which may be after the record arrived.
    awaitEffects(eventId, 1);

    assertThat(relay.state()).isEqualTo(RelayState.RELAYING);
    assertThat(relayHealth.health().getStatus()).isEqualTo(Status.UP);
    assertThat(relayHealth.health().getDetails()).containsEntry("state", "relaying");
    assertThat(meters.get("emprops.events.relay.leader").gauge().value()).isEqualTo(1.0);
    // The relay counts a record once the broker's acknowledgement reaches it, which can be after
    // the test's recorder has seen the record, and the inbox consumer's timer exists once it has
    // handled it: the meters are awaited (absent meters included), not read at once.
    await().atMost(Duration.ofSeconds(20)).ignoreExceptions().untilAsserted(() -> {
      assertThat(meters.counter("emprops.events.relayed", "topic", GENERATIONS).count()).isPositive();
      assertThat(meters.get("emprops.events.relay.lag").timer().count()).isPositive();
      assertThat(meters.get("emprops.events.relay.slot.lag").gauge().value()).isNotNaN();
      assertThat(meters.get("emprops.events.consumer.lag").tag("consumer", "test.record-generation-request")
          .timer().count()).isPositive();
    });
  }

  private void awaitEffects(UUID eventId, int count) {
    await().atMost(Duration.ofSeconds(30)).until(() -> effectCount(eventId) >= count);
  }

  private long effectCount(UUID eventId) {
    return jdbc.sql("SELECT count(*) FROM effects WHERE event_id = ?").param(eventId).query(Long.class).single();
  }

  private double handled(String consumer, String outcome) {
    var timer = meters.find("emprops.events.handled").tag("consumer", consumer).tag("outcome", outcome).timer();
    return timer == null ? 0 : timer.count();
  }
}
