package io.emprops.events.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.emprops.events.contract.EventHeaders;
import io.emprops.events.contract.Topic;
import io.emprops.events.outbox.Outbox;
import io.emprops.events.testapp.EventsTestApplication;
import io.emprops.events.testing.ChildRelay;
import io.emprops.events.testing.KafkaTopics;
import io.emprops.events.testing.TestEvents;
import io.emprops.events.testing.TestRelays;
import io.emprops.events.testing.TopicRecorder;
import io.emprops.localstack.testing.EmbeddedInfrastructure;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * A relay process killed with {@code kill -9} in the middle of a burst: the standby instance
 * takes over within a bounded time, nothing is lost, and what the dead leader relayed without
 * storing its offsets is relayed again and absorbed by the consumers' inbox. The killed process
 * restarts as a standby and takes over again when the other instance stops cleanly.
 *
 * <p>The service under test runs in this JVM with its relay disabled: it writes and consumes;
 * the relays are a child JVM and a plain {@link OutboxRelay} here.
 */
@SpringBootTest(classes = EventsTestApplication.class, properties = {
    "spring.application.name=credits-service",
    "emprops.service.schema=credits",
    "spring.flyway.schemas=credits",
    "emprops.events.relay.enabled=false",
    "emprops.events.inbox.concurrency=3"})
@EmbeddedInfrastructure(app = "credits-service")
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class RelayCrashRecoveryTest {

  private static final String NAMESPACE = KafkaTopics.freshNamespace("crash");
  private static final Duration FAILOVER_BOUND = Duration.ofSeconds(20);
  private static final int BURST = 4_000;

  @Autowired Outbox outbox;
  @Autowired TransactionTemplate transactions;
  @Autowired JdbcClient jdbc;
  @Autowired MeterRegistry meters;
  @Autowired Environment environment;

  @DynamicPropertySource
  static void namespace(DynamicPropertyRegistry registry) {
    registry.add("emprops.events.namespace", () -> NAMESPACE);
  }

  @Test
  void killedLeaderLosesNothingAndItsRedeliveriesHaveNoEffect() throws Exception {
    String[] relayArguments = {"credits-service", "credits",
        environment.getProperty("spring.datasource.url"), environment.getProperty("spring.datasource.username"),
        environment.getProperty("spring.datasource.password"), KafkaTopics.bootstrapServers(), NAMESPACE};
    OutboxRelay standby = new OutboxRelay(TestRelays.settings(relayArguments[0], relayArguments[1],
        relayArguments[2], relayArguments[3], relayArguments[4], relayArguments[5], relayArguments[6]).build(),
        new SimpleMeterRegistry());
    List<UUID> written = new CopyOnWriteArrayList<>();

    try (TopicRecorder recorder = new TopicRecorder(List.of(Topic.GENERATIONS.topicName(NAMESPACE)));
        ChildRelay leader = ChildRelay.start("relay-child-1", relayArguments)) {
      leader.awaitState(RelayState.RELAYING, Duration.ofSeconds(60));
      standby.start();
      await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(10))
          .until(() -> standby.state() == RelayState.STANDBY);

      CompletableFuture<Void> burst = CompletableFuture.runAsync(() -> publish(BURST, written));
      await().atMost(Duration.ofSeconds(60)).until(() -> recorder.records().size() >= BURST / 4);
      leader.kill();
      long killedAt = System.nanoTime();
      await().atMost(FAILOVER_BOUND).until(() -> standby.state() == RelayState.RELAYING);
      Duration takeover = Duration.ofNanos(System.nanoTime() - killedAt);
      burst.join();
      assertThat(leader.state()).as("killed mid-burst, before the burst was relayed").isEqualTo(RelayState.RELAYING);
      awaitExactlyOneEffectEach(written);

      try (ChildRelay restarted = ChildRelay.start("relay-child-2", relayArguments)) {
        restarted.awaitState(RelayState.STANDBY, Duration.ofSeconds(60));
        standby.stop();
        restarted.awaitState(RelayState.RELAYING, FAILOVER_BOUND);
        publish(500, written);
        awaitExactlyOneEffectEach(written);
      }

      Set<UUID> ours = new HashSet<>(written);
      long relayed = recorder.records().stream().filter(r -> ours.contains(eventId(r))).count();
      // No meter at all when the kill happened to follow an offset flush: nothing was redelivered.
      var duplicateTimer = meters.find("emprops.events.handled")
          .tag("consumer", "test.record-generation-request").tag("outcome", "duplicate").timer();
      double duplicates = duplicateTimer == null ? 0 : duplicateTimer.count();
      System.out.printf("kill -9 mid-burst: standby relaying %d ms after the kill; %d events written,"
          + " %d records relayed, %d redeliveries absorbed by the inbox%n",
          takeover.toMillis(), written.size(), relayed, relayed - written.size());
      assertThat(takeover).isLessThan(FAILOVER_BOUND);
      assertThat(relayed).isGreaterThanOrEqualTo(written.size());
      assertThat(duplicates).isEqualTo((double) (relayed - written.size()));
    } finally {
      standby.stop();
    }
  }

  /** Events of 50 jobs in transactions of 20, paced to last a few seconds. */
  private void publish(int count, List<UUID> written) {
    List<UUID> jobs = IntStream.range(0, 50).mapToObj(i -> UUID.randomUUID()).toList();
    for (int first = 0; first < count; first += 20) {
      int offset = first;
      written.addAll(transactions.execute(status -> outbox.publishAll(IntStream.range(offset, offset + 20)
          .mapToObj(i -> TestEvents.generationRequested(jobs.get(i % jobs.size()), i)).toList())));
      pause(Duration.ofMillis(15));
    }
  }

  private void awaitExactlyOneEffectEach(List<UUID> written) {
    Set<UUID> expected = new HashSet<>(written);
    await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250))
        .until(() -> jdbc.sql("SELECT count(DISTINCT event_id) FROM effects WHERE event_id = ANY (?)")
            .param(expected.toArray(UUID[]::new)).query(Long.class).single() == expected.size());
    List<UUID> repeated = jdbc.sql("SELECT event_id FROM effects GROUP BY event_id HAVING count(*) > 1")
        .query(UUID.class).list();
    assertThat(repeated).as("events whose effect happened more than once").isEmpty();
  }

  private static UUID eventId(ConsumerRecord<?, ?> record) {
    return UUID.fromString(TopicRecorder.header(record, EventHeaders.EVENT_ID));
  }

  private static void pause(Duration duration) {
    try {
      Thread.sleep(duration);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
