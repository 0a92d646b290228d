package io.emprops.webhooks.domain.delivery;

import java.time.Clock;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * Releases held {@code job.completed} deliveries whose {@code completion-hold} has passed: an
 * awaited {@code asset.stored} may come much later (its topic's consumer is behind) or never to
 * this endpoint (it was created, enabled or subscribed in between), and nothing waits forever.
 * Also those of another lane than the {@code asset.stored} that ended their wait (a retry's
 * outputs stored under the original job), made due at once.
 * Every poll interval, on every instance: a release takes the lane's lock and happens once.
 */
@Component
class CompletionHolds {

  private static final Logger log = LoggerFactory.getLogger(CompletionHolds.class);
  private static final int BATCH = 500;

  private final DeliveryRepository deliveries;
  private final DeliveryMetrics metrics;
  private final DeliveryWakeup wakeup;
  private final Clock clock;

  CompletionHolds(DeliveryRepository deliveries, DeliveryMetrics metrics, DeliveryWakeup wakeup, Clock clock) {
    this.deliveries = deliveries;
    this.metrics = metrics;
    this.wakeup = wakeup;
    this.clock = clock;
  }

  @Scheduled(initialDelayString = "${emprops.webhooks.delivery.poll-interval:500ms}",
      fixedDelayString = "${emprops.webhooks.delivery.poll-interval:500ms}")
  @Transactional
  public int releaseEnded() {
    List<DeliveryRepository.HeldDelivery> ended = deliveries.holdsEnded(clock.instant(), BATCH);
    if (ended.isEmpty()) {
      return 0;
    }
    deliveries.lockLanes(ended.stream().map(DeliveryRepository.HeldDelivery::lane).distinct().sorted().toList());
    int released = 0;
    for (DeliveryRepository.HeldDelivery held : ended) {
      // Under the lane's lock: false when its last awaited asset.stored released it meanwhile.
      if (deliveries.release(held.id())) {
        metrics.completionReleased(held.awaitsNothing() ? DeliveryMetrics.RELEASED_BY_ASSETS
            : DeliveryMetrics.RELEASED_BY_BOUND);
        released++;
      }
    }
    if (released > 0) {
      log.debug("{} job.completed deliveries released after waiting the completion hold for their assets", released);
      Deliveries.wakeAfterCommit(wakeup);
    }
    return released;
  }
}
