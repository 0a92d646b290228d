package io.emprops.webhooks.domain.delivery;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * An endpoint's deliveries with one ordering key (a job, a collection): delivered one at a time,
 * in order. {@link #lockKey} names its advisory lock (a collision only serialises two lanes).
 */
public record Lane(UUID endpointId, String orderingKey) implements Comparable<Lane> {

  public long lockKey() {
    return UUID.nameUUIDFromBytes((endpointId + "|" + orderingKey).getBytes(StandardCharsets.UTF_8))
        .getMostSignificantBits();
  }

  @Override
  public int compareTo(Lane other) {
    return Long.compare(lockKey(), other.lockKey());
  }
}
