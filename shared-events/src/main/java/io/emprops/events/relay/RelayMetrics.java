package io.emprops.events.relay;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * What the relay exports:
 * <ul>
 *   <li>{@code emprops.events.relayed} (counter, tag {@code topic}): events acknowledged by Kafka;
 *   <li>{@code emprops.events.relay.lag} (timer): commit in Postgres → acknowledged by Kafka;
 *   <li>{@code emprops.events.relay.slot.lag} (gauge, bytes): WAL the slot holds back, measured by
 *       the leader (NaN on a standby), or by every instance when Kafka Connect relays;
 *   <li>{@code emprops.events.relay.leader} (gauge): 1 on the instance that relays;
 *   <li>{@code emprops.events.relay.failures} (counter): engine deaths.
 * </ul>
 */
final class RelayMetrics {

  private static final long UNKNOWN = Long.MIN_VALUE;

  private final MeterRegistry registry;
  private final Map<String, Counter> relayedByTopic = new ConcurrentHashMap<>();
  private final Timer lag;
  private final Counter failures;
  private final AtomicLong slotLagBytes = new AtomicLong(UNKNOWN);

  RelayMetrics(MeterRegistry registry, String slotName, Supplier<Boolean> leader) {
    this.registry = registry;
    this.lag = Timer.builder("emprops.events.relay.lag")
        .description("Time from the outbox transaction's commit to Kafka's acknowledgement")
        .tag("slot", slotName)
        .publishPercentiles(0.5, 0.99)
        .register(registry);
    this.failures = Counter.builder("emprops.events.relay.failures")
        .description("Times the relay engine died")
        .tag("slot", slotName)
        .register(registry);
    Gauge.builder("emprops.events.relay.slot.lag", slotLagBytes,
            value -> value.get() == UNKNOWN ? Double.NaN : value.get())
        .description("WAL held back by the replication slot (measured by the leader)")
        .baseUnit("bytes")
        .tag("slot", slotName)
        .strongReference(true)
        .register(registry);
    Gauge.builder("emprops.events.relay.leader", leader, isLeader -> isLeader.get() ? 1 : 0)
        .description("1 on the instance that currently relays the service's outbox")
        .tag("slot", slotName)
        // Micrometer holds gauge state weakly; the supplier lives nowhere else.
        .strongReference(true)
        .register(registry);
  }

  void relayed(String topic, Duration commitToAck) {
    relayedByTopic.computeIfAbsent(topic, t -> Counter.builder("emprops.events.relayed")
            .description("Events relayed from the outbox and acknowledged by Kafka")
            .tag("topic", t)
            .register(registry))
        .increment();
    lag.record(commitToAck);
  }

  void engineFailed() {
    failures.increment();
  }

  void slotLag(OptionalLong bytes) {
    slotLagBytes.set(bytes.orElse(UNKNOWN));
  }
}
