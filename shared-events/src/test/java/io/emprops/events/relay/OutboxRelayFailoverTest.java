package io.emprops.events.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.emprops.events.contract.Topic;
import io.emprops.events.testing.KafkaTopics;
import io.emprops.events.testing.ServiceDatabase;
import io.emprops.events.testing.TestEvents;
import io.emprops.events.testing.TestRelays;
import io.emprops.events.testing.TopicRecorder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Two relays of one service: one relays, the other stands by and takes over when it stops. */
class OutboxRelayFailoverTest {

  private static final Duration FAILOVER_BOUND = Duration.ofSeconds(15);

  private static ServiceDatabase database;
  private static String namespace;

  @BeforeAll
  static void provision() {
    database = ServiceDatabase.provision("relay_failover");
    namespace = KafkaTopics.freshNamespace("failover");
  }

  @AfterAll
  static void release() {
    database.close();
  }

  @Test
  void onlyTheLeaderRelaysAndTheStandbyTakesOverACleanStopWithoutDuplicates() throws Exception {
    RelaySettings settings = TestRelays.settings(database, "failover-service", namespace).build();
    OutboxRelay first = new OutboxRelay(settings, new SimpleMeterRegistry());
    OutboxRelay second = new OutboxRelay(settings, new SimpleMeterRegistry());
    AtomicInteger bothLeading = new AtomicInteger();
    Thread watcher = Thread.ofPlatform().daemon(true).start(() -> {
      while (!Thread.currentThread().isInterrupted()) {
        if (first.isLeader() && second.isLeader()) {
          bothLeading.incrementAndGet();
        }
        Thread.onSpinWait();
      }
    });
    try (TopicRecorder recorder = new TopicRecorder(List.of(Topic.GENERATIONS.topicName(namespace)))) {
      first.start();
      await().atMost(Duration.ofSeconds(30)).until(() -> first.state() == RelayState.RELAYING);
      second.start();
      await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5))
          .until(() -> second.state() == RelayState.STANDBY && first.state() == RelayState.RELAYING);

      List<UUID> written = new ArrayList<>(publish(300));
      await().atMost(Duration.ofSeconds(20)).until(() -> recorder.records().size() >= written.size());

      long stoppedAt = System.nanoTime();
      first.stop();
      // Written while nobody leads: the slot keeps them for whoever leads next.
      written.addAll(publish(300));
      await().atMost(FAILOVER_BOUND).until(() -> second.state() == RelayState.RELAYING);
      Duration takeover = Duration.ofNanos(System.nanoTime() - stoppedAt);
      written.addAll(publish(300));

      await().atMost(Duration.ofSeconds(20)).until(() -> recorder.records().size() >= written.size());
      // Give a redelivery, if there were one, the time to show up.
      await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5))
          .until(() -> recorder.records().size() == written.size());

      assertThat(recorder.eventIds()).containsExactlyInAnyOrderElementsOf(written);
      assertThat(first.state()).isEqualTo(RelayState.STOPPED);
      assertThat(takeover).isLessThan(FAILOVER_BOUND);
      System.out.printf("clean handover: standby relaying %d ms after the leader's stop was requested%n",
          takeover.toMillis());
    } finally {
      watcher.interrupt();
      first.stop();
      second.stop();
    }
    assertThat(bothLeading).hasValue(0);
  }

  /** Events of 10 jobs, in transactions of 50. */
  private static List<UUID> publish(int count) {
    List<UUID> jobs = IntStream.range(0, 10).mapToObj(i -> UUID.randomUUID()).toList();
    List<UUID> ids = new ArrayList<>();
    for (int first = 0; first < count; first += 50) {
      int offset = first;
      ids.addAll(database.transactions().execute(status -> database.outbox().publishAll(IntStream.range(offset, offset + 50)
          .mapToObj(i -> TestEvents.generationRequested(jobs.get(i % jobs.size()), i))
          .toList())));
    }
    return ids;
  }
}
