package io.emprops.webhooks.domain.delivery;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;

/**
 * {@code webhooks_deliveries_created_total{type}}, {@code webhooks_attempts_total{outcome}}
 * (success | retry | fail | refused), {@code webhooks_deliveries_finished_total{status}},
 * {@code webhooks_attempt_seconds}, {@code webhooks_delivery_latency_seconds} (event → first
 * successful attempt of a first delivery), {@code webhooks_progress_coalesced_total},
 * {@code webhooks_endpoints_disabled_total}, {@code webhooks_deliveries_due} and
 * {@code webhooks_deliveries_oldest_due_age_seconds} (a backlog shows here first),
 * {@code webhooks_completion_holds_released_total{by}} (a held {@code job.completed} released by
 * its outputs' {@code asset.stored}, {@code assets}, or by {@code completion-hold}, {@code bound}).
 */
@Component
public class DeliveryMetrics {

  static final String RELEASED_BY_ASSETS = "assets";
  static final String RELEASED_BY_BOUND = "bound";

  private final MeterRegistry registry;
  private final Map<String, Counter> created = new ConcurrentHashMap<>();
  private final Map<String, Counter> attempts = new ConcurrentHashMap<>();
  private final Map<String, Counter> finished = new ConcurrentHashMap<>();
  private final Map<String, Counter> released = new ConcurrentHashMap<>();
  private final Timer attemptTime;
  private final Timer latency;
  private final Counter coalesced;
  private final Counter disabled;
  private final DistributionSummary claimed;

  public DeliveryMetrics(MeterRegistry registry, DeliveryRepository repository) {
    this.registry = registry;
    this.attemptTime = Timer.builder("webhooks.attempt").description("HTTP time of one attempt")
        .publishPercentiles(0.5, 0.99).register(registry);
    this.latency = Timer.builder("webhooks.delivery.latency")
        .description("Event occurred → delivered, for deliveries that succeeded at their first attempt")
        .publishPercentiles(0.5, 0.99).register(registry);
    this.coalesced = Counter.builder("webhooks.progress.coalesced")
        .description("job.progress events folded into a delivery not sent yet").register(registry);
    this.disabled = Counter.builder("webhooks.endpoints.disabled")
        .description("Endpoints disabled after failing for emprops.webhooks.delivery.disable-after").register(registry);
    this.claimed = DistributionSummary.builder("webhooks.claim.batch").description("Deliveries claimed per query")
        .register(registry);
    Gauge.builder("webhooks.deliveries.due", repository, DeliveryRepository::dueCount)
        .description("Deliveries due now").register(registry);
    Gauge.builder("webhooks.deliveries.oldest.due.age", repository, r -> r.oldestDueAge().toMillis() / 1000.0)
        .description("How long the oldest due delivery has waited").baseUnit("seconds").register(registry);
  }

  void fannedOut(String type, int deliveries) {
    created.computeIfAbsent(type, t -> Counter.builder("webhooks.deliveries.created").tag("type", t)
        .description("Deliveries created by fan-out").register(registry)).increment(deliveries);
  }

  void coalesced() {
    coalesced.increment();
  }

  void claimed(int count) {
    claimed.record(count);
  }

  void attempted(AttemptResult result) {
    String outcome = result.refused() ? "refused" : result.outcome().name().toLowerCase();
    attempts.computeIfAbsent(outcome, o -> Counter.builder("webhooks.attempts").tag("outcome", o)
        .description("Delivery attempts by outcome").register(registry)).increment();
    if (!result.refused()) {
      attemptTime.record(Duration.ofMillis(result.durationMs()));
    }
  }

  void finished(String status) {
    finished.computeIfAbsent(status, s -> Counter.builder("webhooks.deliveries.finished").tag("status", s)
        .description("Deliveries that reached a final status").register(registry)).increment();
  }

  void delivered(Duration sinceEvent) {
    latency.record(sinceEvent);
  }

  void completionReleased(String by) {
    released.computeIfAbsent(by, b -> Counter.builder("webhooks.completion.holds.released").tag("by", b)
        .description("Held job.completed deliveries released: by their outputs' asset.stored, or by the bound")
        .register(registry)).increment();
  }

  void disabled() {
    disabled.increment();
  }
}
