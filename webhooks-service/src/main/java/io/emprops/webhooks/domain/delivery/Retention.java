package io.emprops.webhooks.domain.delivery;

import io.emprops.webhooks.domain.endpoint.EndpointRepository;
import java.time.Clock;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * Hourly: finished deliveries (and messages no delivery needs) older than
 * {@code emprops.webhooks.retention} (30 days) go, and so do expired signing secrets.
 */
@Component
class Retention {

  private static final Logger log = LoggerFactory.getLogger(Retention.class);

  private final DeliveryRepository deliveries;
  private final EndpointRepository endpoints;
  private final Duration retention;
  private final Clock clock;

  Retention(DeliveryRepository deliveries, EndpointRepository endpoints,
      @Value("${emprops.webhooks.retention:30d}") Duration retention, Clock clock) {
    this.deliveries = deliveries;
    this.endpoints = endpoints;
    this.retention = retention;
    this.clock = clock;
  }

  @Scheduled(initialDelayString = "PT5M", fixedDelayString = "PT1H")
  @Transactional
  public void sweep() {
    int removed = deliveries.deleteFinishedBefore(clock.instant().minus(retention));
    int secrets = endpoints.deleteExpiredSecrets(clock.instant());
    if (removed > 0 || secrets > 0) {
      log.info("Retention: {} finished deliveries older than {} and {} expired secrets removed", removed, retention,
          secrets);
    }
  }
}
