package io.emprops.storage.config;

import io.emprops.storage.domain.objects.ObjectStore;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * {@code objectStore} in readiness: the bucket or container answers. Not in liveness: a store
 * outage is no reason to restart.
 */
public class ObjectStoreHealthIndicator implements HealthIndicator {

  private final ObjectStore store;

  public ObjectStoreHealthIndicator(ObjectStore store) {
    this.store = store;
  }

  @Override
  public Health health() {
    try {
      store.checkReachable();
      return Health.up().withDetail("provider", store.provider()).build();
    } catch (RuntimeException e) {
      return Health.down().withDetail("provider", store.provider()).withDetail("error", e.getMessage()).build();
    }
  }
}
