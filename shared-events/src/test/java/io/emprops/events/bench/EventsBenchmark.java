package io.emprops.events.bench;

import io.emprops.events.contract.GenerationRequested;
import io.emprops.events.contract.Topic;
import io.emprops.events.outbox.Outbox;
import io.emprops.events.relay.OutboxRelay;
import io.emprops.events.relay.RelaySettings;
import io.emprops.events.relay.RelayState;
import io.emprops.events.testing.KafkaTopics;
import io.emprops.events.testing.ServiceDatabase;
import io.emprops.events.testing.TestEvents;
import io.emprops.localstack.testing.SharedInfrastructure;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.LongSummaryStatistics;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.stream.IntStream;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Measures the event backbone on the embedded infrastructure, for the Debezium relay as shipped
 * (its non-spinning queue), the same relay on Debezium's own in-memory queue, and, as a baseline, a
 * polling relay ({@link PollingRelay}), and prints one table. A short discarded run of the shipped
 * relay comes first, so that no row pays for a cold JVM, Kafka or Postgres:
 * <ul>
 *   <li>latency from the writer's commit to the consumer handling the event, at a fixed rate of
 *       {@value #RATE_PER_SECOND} single-event transactions per second for {@value #LATENCY_SECONDS} s
 *       (the schedule is fixed in advance, so a slow relay cannot slow the load down);
 *   <li>sustained throughput: {@value #WRITERS} writers commit {@value #ROWS_PER_TRANSACTION}-row
 *       transactions as fast as they can for {@value #THROUGHPUT_SECONDS} s; the rate is what the
 *       consumer receives, from the phase's first event to its last.
 * </ul>
 *
 * <pre>./mvnw -B -q -o -pl shared-events test-compile exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=io.emprops.events.bench.EventsBenchmark</pre>
 */
public final class EventsBenchmark {

  private static final int RATE_PER_SECOND = 200;
  private static final int LATENCY_SECONDS = 30;
  private static final int ROWS_PER_TRANSACTION = 100;
  private static final int THROUGHPUT_SECONDS = 20;
  private static final int WRITERS = 2;
  private static final int WARM_UP_EVENTS = 500;
  private static final int AGGREGATES = 200;
  private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(120);
  /** Longer than anything a relay waits before it calls itself idle (the shipped one: 200 ms). */
  private static final Duration IDLE_GAP = Duration.ofSeconds(1);

  private EventsBenchmark() {}

  /** Commits events in one transaction of the service and returns their ids. */
  private interface TransactionalWriter extends Function<List<GenerationRequested>, List<UUID>> {}

  private record Result(String relay, long[] sortedLatenciesNanos, long[] sortedAfterIdleNanos,
      double writtenPerSecond, double relayedPerSecond, long lost) {

    String latencyMillis(double percentile) {
      return millis(sortedLatenciesNanos, percentile);
    }

    String afterIdleMillis(double percentile) {
      return millis(sortedAfterIdleNanos, percentile);
    }

    private static String millis(long[] sortedNanos, double percentile) {
      if (sortedNanos.length == 0) {
        return "-";
      }
      int rank = (int) Math.ceil(percentile / 100.0 * sortedNanos.length) - 1;
      return String.format("%.1f", sortedNanos[Math.clamp(rank, 0, sortedNanos.length - 1)] / 1e6);
    }
  }

  /** How long a row's phases last: the steady rate, single events after a quiet second, the throughput run. */
  private record Phases(int latencySeconds, int afterIdleEvents, int throughputSeconds) {}

  private static final Phases MEASURED = new Phases(LATENCY_SECONDS, 15, THROUGHPUT_SECONDS);
  private static final Phases WARM_UP = new Phases(5, 2, 5);

  public static void main(String[] args) throws Exception {
    List<Result> results = new ArrayList<>();
    try {
      benchmarkCdcRelay("warm-up (discarded)", Map.of(), WARM_UP);
      results.add(benchmarkCdcRelay("CDC relay, Debezium's own queue", Map.of("queue.provider.type", "memory"), MEASURED));
      results.add(benchmarkCdcRelay("CDC relay as shipped (non-spinning)", Map.of(), MEASURED));
      results.add(benchmarkPollingRelay());
    } finally {
      print(results);
      // Stops the embedded Kafka and Postgres, whose threads would keep exec:java waiting.
      SharedInfrastructure.get().close();
    }
  }

  private static Result benchmarkCdcRelay(String label, Map<String, String> debeziumOverrides, Phases phases)
      throws InterruptedException {
    String namespace = KafkaTopics.freshNamespace("bench-cdc");
    try (ServiceDatabase database = ServiceDatabase.provision("bench_cdc")) {
      // The relay as a service gets it: every setting at its default but the overrides named.
      RelaySettings settings = RelaySettings.builder("bench-cdc", database.schema())
          .database(database.jdbcUrl(), database.username(), database.password())
          .kafkaClientProperties(Map.of("bootstrap.servers", KafkaTopics.bootstrapServers()))
          .namespace(namespace)
          .offsetTopicReplicationFactor(1)
          .debeziumOverrides(debeziumOverrides)
          .build();
      OutboxRelay relay = new OutboxRelay(settings, new SimpleMeterRegistry());
      relay.start();
      try {
        awaitTrue(() -> relay.state() == RelayState.RELAYING, Duration.ofSeconds(60));
        Outbox outbox = database.outbox();
        TransactionTemplate transactions = database.transactions();
        return measure(label, namespace, events -> transactions.execute(status -> outbox.publishAll(events)), phases);
      } finally {
        relay.stop();
      }
    }
  }

  private static Result benchmarkPollingRelay() throws InterruptedException {
    String namespace = KafkaTopics.freshNamespace("bench-polling");
    try (ServiceDatabase database = ServiceDatabase.provision("bench_polling");
        PollingRelay relay = new PollingRelay(database, namespace)) {
      TransactionTemplate transactions = database.transactions();
      return measure("polling relay (SKIP LOCKED, 10 ms idle)", namespace,
          events -> transactions.execute(status -> relay.write(events)), MEASURED);
    }
  }

  private static Result measure(String relay, String namespace, TransactionalWriter writer, Phases phases)
      throws InterruptedException {
    List<UUID> aggregates = IntStream.range(0, AGGREGATES).mapToObj(i -> UUID.randomUUID()).toList();
    try (HandledClock consumer = new HandledClock(Topic.GENERATIONS.topicName(namespace))) {
      consumer.awaitAssignment();

      System.out.printf("%s: warming up with %d events%n", relay, WARM_UP_EVENTS);
      List<UUID> warmUp = new ArrayList<>();
      for (int i = 0; i < WARM_UP_EVENTS; i++) {
        warmUp.addAll(writer.apply(List.of(TestEvents.generationRequested(aggregates.get(i % AGGREGATES), i))));
      }
      awaitTrue(() -> consumer.handledAll(warmUp), DRAIN_TIMEOUT);

      System.out.printf("%s: %d events/s for %d s%n", relay, RATE_PER_SECOND, phases.latencySeconds());
      Map<UUID, Long> committedAt = new ConcurrentHashMap<>();
      long intervalNanos = 1_000_000_000L / RATE_PER_SECOND;
      long start = System.nanoTime();
      for (int i = 0; i < RATE_PER_SECOND * phases.latencySeconds(); i++) {
        LockSupport.parkNanos(start + i * intervalNanos - System.nanoTime());
        UUID id = writer.apply(List.of(TestEvents.generationRequested(aggregates.get(i % AGGREGATES), i))).getFirst();
        committedAt.put(id, System.nanoTime());
      }
      boolean latencyDrained = awaitTrue(() -> consumer.handledAll(committedAt.keySet()), DRAIN_TIMEOUT);
      long[] latencies = committedAt.entrySet().stream()
          .filter(e -> consumer.handledAt(e.getKey()) != null)
          // Handled before the writer saw its commit return: as good as no latency at all.
          .mapToLong(e -> Math.max(0, consumer.handledAt(e.getKey()) - e.getValue()))
          .sorted()
          .toArray();

      // The first event after a quiet spell: what a relay that sleeps while idle must not make slower.
      System.out.printf("%s: %d single events, each after %d ms without any%n",
          relay, phases.afterIdleEvents(), IDLE_GAP.toMillis());
      List<Long> afterIdle = new ArrayList<>();
      for (int i = 0; i < phases.afterIdleEvents(); i++) {
        Thread.sleep(IDLE_GAP.toMillis());
        UUID id = writer.apply(List.of(TestEvents.generationRequested(aggregates.get(i % AGGREGATES), i))).getFirst();
        long committed = System.nanoTime();
        if (awaitTrue(() -> consumer.handledAt(id) != null, DRAIN_TIMEOUT)) {
          afterIdle.add(Math.max(0, consumer.handledAt(id) - committed));
        }
      }

      System.out.printf("%s: %d-row transactions from %d writers for %d s%n",
          relay, ROWS_PER_TRANSACTION, WRITERS, phases.throughputSeconds());
      Set<UUID> written = ConcurrentHashMap.newKeySet();
      long deadline = System.nanoTime() + Duration.ofSeconds(phases.throughputSeconds()).toNanos();
      List<Thread> writers = IntStream.range(0, WRITERS).mapToObj(w -> Thread.ofPlatform().start(() -> {
        for (int first = 0; System.nanoTime() < deadline; first += ROWS_PER_TRANSACTION) {
          int offset = first;
          written.addAll(writer.apply(IntStream.range(offset, offset + ROWS_PER_TRANSACTION)
              .mapToObj(i -> TestEvents.generationRequested(aggregates.get(i % AGGREGATES), i))
              .toList()));
        }
      })).toList();
      for (Thread thread : writers) {
        thread.join();
      }
      awaitTrue(() -> consumer.handledAll(written), DRAIN_TIMEOUT);
      LongSummaryStatistics handled = written.stream().map(consumer::handledAt).filter(Objects::nonNull)
          .mapToLong(Long::longValue).summaryStatistics();
      double relayedPerSecond = handled.getCount() / ((handled.getMax() - handled.getMin()) / 1e9);

      long lost = (committedAt.size() - latencies.length) + (phases.afterIdleEvents() - afterIdle.size())
          + (written.size() - handled.getCount());
      if (!latencyDrained) {
        System.out.printf("%s: %d events of the latency run not handled within %s%n",
            relay, committedAt.size() - latencies.length, DRAIN_TIMEOUT);
      }
      return new Result(relay, latencies, afterIdle.stream().mapToLong(Long::longValue).sorted().toArray(),
          written.size() / (double) phases.throughputSeconds(), relayedPerSecond, lost);
    }
  }

  private static void print(List<Result> results) {
    String row = "| %-38s | %7s | %7s | %7s | %7s | %9s | %9s | %5s | %12s | %12s |%n";
    System.out.println();
    System.out.printf(row, "relay", "p50 ms", "p95 ms", "p99 ms", "max ms", "idle p50", "idle max", "lost",
        "written/s", "relayed/s");
    System.out.printf(row, "-".repeat(38), "-".repeat(7), "-".repeat(7), "-".repeat(7), "-".repeat(7), "-".repeat(9),
        "-".repeat(9), "-".repeat(5), "-".repeat(12), "-".repeat(12));
    for (Result r : results) {
      System.out.printf(row, r.relay(), r.latencyMillis(50), r.latencyMillis(95), r.latencyMillis(99),
          r.latencyMillis(100), r.afterIdleMillis(50), r.afterIdleMillis(100), r.lost(),
          String.format("%,.0f", r.writtenPerSecond()),
          String.format("%,.0f", r.relayedPerSecond()));
    }
    System.out.printf("latency: commit -> handled by a Kafka consumer, %d single-event transactions/s for %d s;%n"
            + "idle: the same for %d single events, each after %d ms without any;%n"
            + "throughput: %d writers committing %d-row transactions for %d s, rate as received by the consumer%n",
        RATE_PER_SECOND, LATENCY_SECONDS, MEASURED.afterIdleEvents(), IDLE_GAP.toMillis(), WRITERS,
        ROWS_PER_TRANSACTION, THROUGHPUT_SECONDS);
  }

  private static boolean awaitTrue(BooleanSupplier condition, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      Thread.sleep(20);
    }
    return true;
  }
}
