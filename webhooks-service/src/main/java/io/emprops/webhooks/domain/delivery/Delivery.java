package io.emprops.webhooks.domain.delivery;

import java.time.Instant;
import java.util.UUID;

/**
 * A message's delivery to one endpoint, as its log shows it.
 *
 * @param status {@code queued} (behind an earlier delivery of its job or collection, or a
 *     {@code job.completed} held for its outputs' {@code asset.stored}), {@code pending}
 *     (due at {@code nextAttemptAt}), {@code sending}, {@code delivered}, {@code failed}, or
 *     {@code notice} (a note to the owner, never sent)
 * @param replayOf the delivery this one replays, if it is a replay
 */
public record Delivery(UUID id, UUID endpointId, UUID messageId, String eventType, String orderingKey, String status,
    int attempts, Instant nextAttemptAt, Instant lastAttemptAt, Integer lastStatusCode, Integer lastDurationMs,
    String lastError, UUID replayOf, Instant createdAt, Instant finishedAt) {

  public static final String QUEUED = "queued";
  public static final String PENDING = "pending";
  public static final String SENDING = "sending";
  public static final String DELIVERED = "delivered";
  public static final String FAILED = "failed";
  public static final String NOTICE = "notice";

  public boolean isFinal() {
    return DELIVERED.equals(status) || FAILED.equals(status) || NOTICE.equals(status);
  }
}
