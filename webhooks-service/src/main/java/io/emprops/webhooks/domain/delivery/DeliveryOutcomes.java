package io.emprops.webhooks.domain.delivery;

import io.emprops.webhooks.domain.endpoint.EndpointRepository;
import io.emprops.webhooks.domain.event.EventPayloads;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.databind.json.JsonMapper;

/**
 * Records what attempts came to, in one transaction per batch: the attempt in the log, the
 * delivery delivered, rescheduled (backoff, {@code Retry-After}, deadline) or failed, its lane's
 * next delivery made due, and the endpoint's failing run started or ended. An endpoint failing for
 * {@code disable-after} is disabled, its unfinished deliveries failed, and a note left in its log.
 */
@Component
public class DeliveryOutcomes {

  private static final Logger log = LoggerFactory.getLogger(DeliveryOutcomes.class);

  /** One finished attempt. */
  public record Finished(ClaimedDelivery delivery, AttemptResult result, Instant attemptedAt) {}

  private final DeliveryRepository deliveries;
  private final EndpointRepository endpoints;
  private final DeliverySettings settings;
  private final DeliveryMetrics metrics;
  private final JsonMapper json;
  private final Clock clock;

  public DeliveryOutcomes(DeliveryRepository deliveries, EndpointRepository endpoints, DeliverySettings settings,
      DeliveryMetrics metrics, JsonMapper json, Clock clock) {
    this.deliveries = deliveries;
    this.endpoints = endpoints;
    this.settings = settings;
    this.metrics = metrics;
    this.json = json;
    this.clock = clock;
  }

  @Transactional
  public void record(List<Finished> batch) {
    deliveries.lockLanes(batch.stream().map(f -> lane(f.delivery())).distinct().sorted().toList());
    for (Finished finished : batch) {
      record(finished);
    }
  }

  private void record(Finished f) {
    ClaimedDelivery d = f.delivery();
    AttemptResult result = f.result();
    if (!deliveries.recordAttempt(d, result, f.attemptedAt())) {
      return;
    }
    Instant now = clock.instant();
    switch (result.outcome()) {
      case SUCCESS -> {
        deliveries.delivered(d, result, now);
        deliveries.advance(lane(d));
        endpoints.succeeded(d.endpointId());
        metrics.finished(Delivery.DELIVERED);
        if (d.attempt() == 1) {
          metrics.delivered(Duration.between(d.occurredAt(), f.attemptedAt().plusMillis(result.durationMs())));
        }
        return;
      }
      case RETRY -> {
        Optional<Instant> next = settings.retries().next(d.attempt(), now, result.retryAfter(), d.deliverBy(),
            ThreadLocalRandom.current());
        if (next.isPresent()) {
          deliveries.retryAt(d, result, next.get());
        } else {
          fail(d, result, now, "gave up after " + d.attempt() + " attempts in " + settings.retryFor()
              + " (last: " + result.error() + ")");
        }
      }
      case FAIL -> fail(d, result, now, result.error());
    }
    Optional<Instant> failingSince = endpoints.failed(d.endpointId(), f.attemptedAt());
    if (failingSince.isPresent() && !failingSince.get().plus(settings.disableAfter()).isAfter(now)) {
      disable(d, failingSince.get(), result, now);
    }
  }

  private void fail(ClaimedDelivery d, AttemptResult result, Instant now, String reason) {
    deliveries.failed(d, result, now, reason);
    deliveries.advance(lane(d));
    metrics.finished(Delivery.FAILED);
  }

  private void disable(ClaimedDelivery d, Instant failingSince, AttemptResult last, Instant now) {
    String reason = "every attempt failed since " + failingSince + " (last: " + last.error() + ")";
    if (!endpoints.disable(d.endpointId(), reason, now)) {
      return;
    }
    int failed = deliveries.failUnfinished(d.endpointId(), "the endpoint was disabled: " + reason);
    Message notice = new Message(UUID.randomUUID(), endpoints.find(d.endpointId()).orElseThrow().userId(),
        "endpoint.disabled", json.writeValueAsString(new Deliveries.Body("endpoint.disabled", now, 1,
            new EventPayloads.EndpointDisabled(d.endpointId(), reason, failingSince, now))), now);
    deliveries.insertMessage(notice);
    deliveries.insertNotice(UUID.randomUUID(), d.endpointId(), notice);
    metrics.disabled();
    log.warn("Webhook endpoint {} disabled: {}; {} unfinished deliveries failed (replayable once it is enabled again)",
        d.endpointId(), reason, failed);
  }

  private static Lane lane(ClaimedDelivery d) {
    return new Lane(d.endpointId(), d.orderingKey());
  }
}
