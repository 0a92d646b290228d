package io.emprops.events.inbox;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the inbox consumer exports:
 * <ul>
 *   <li>{@code emprops.events.handled} (timer, tags {@code consumer}, {@code type},
 *       {@code outcome} = handled | duplicate | failed): handler runs and their duration;
 *   <li>{@code emprops.events.consumer.lag} (timer, tag {@code consumer}): event written by its
 *       producer → handled here;
 *   <li>{@code emprops.events.dead.lettered} (counter, tags {@code topic}, {@code type}): events
 *       parked on a dead-letter topic;
 *   <li>{@code emprops.events.batches.split} (counter): batches that failed as one transaction
 *       and were handled again one event at a time.
 * </ul>
 */
final class InboxMetrics {

  enum Outcome {
    HANDLED, DUPLICATE, FAILED;

    String tag() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private final MeterRegistry registry;
  /** The timers by their tags: looked up once, not built and registered again for every event. */
  private final Map<List<String>, Timer> handledTimers = new ConcurrentHashMap<>();
  private final Map<String, Timer> lagTimers = new ConcurrentHashMap<>();

  InboxMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  void handled(String consumer, String type, Outcome outcome, Duration took) {
    handledTimers.computeIfAbsent(List.of(consumer, type, outcome.tag()), tags -> Timer.builder("emprops.events.handled")
            .description("Inbox handler runs")
            .tag("consumer", consumer)
            .tag("type", type)
            .tag("outcome", outcome.tag())
            .register(registry))
        .record(took);
  }

  void lag(String consumer, Duration sinceOccurred) {
    lagTimers.computeIfAbsent(consumer, c -> Timer.builder("emprops.events.consumer.lag")
            .description("Time from the event's write by its producer to its handling here")
            .tag("consumer", consumer)
            .publishPercentiles(0.5, 0.99)
            .register(registry))
        .record(sinceOccurred.isNegative() ? Duration.ZERO : sinceOccurred);
  }

  void batchSplit() {
    Counter.builder("emprops.events.batches.split")
        .description("Batches that failed as one transaction and were handled one event at a time")
        .register(registry)
        .increment();
  }

  void deadLettered(String topic, String type) {
    Counter.builder("emprops.events.dead.lettered")
        .description("Events parked on a dead-letter topic after their retries")
        .tag("topic", topic)
        .tag("type", type)
        .register(registry)
        .increment();
  }
}
