package io.emprops.webhooks.domain.event;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * One event to deliver to its owner's subscribed endpoints.
 *
 * @param sourceEventId the suite event it comes from: with the type, it fixes the message id
 *     ({@code webhook-id}), so a redelivered event is the same message
 * @param orderingKey deliveries of one endpoint with the same key arrive in order
 *     ({@code job:<id>} or {@code collection:<id>})
 * @param data one of {@link EventPayloads}
 */
public record WebhookEvent(
    UUID sourceEventId, WebhookEventType type, String userId, String orderingKey, Instant occurredAt, Object data) {

  public WebhookEvent {
    Objects.requireNonNull(sourceEventId);
    Objects.requireNonNull(type);
    Objects.requireNonNull(userId);
    Objects.requireNonNull(orderingKey);
    Objects.requireNonNull(occurredAt);
    Objects.requireNonNull(data);
  }

  public static String jobKey(UUID jobId) {
    return "job:" + jobId;
  }

  public static String collectionKey(UUID collectionId) {
    return "collection:" + collectionId;
  }
}
