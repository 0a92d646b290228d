package io.emprops.webhooks.domain.event;

import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
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

  /**
   * The assets whose {@code asset.stored} comes before this event to an endpoint subscribed to
   * both: a {@code job.completed}'s stored outputs (the generator completes a job only once each
   * of them is stored). Empty for every other event.
   */
  public Set<UUID> awaitedAssets() {
    Set<UUID> assets = new LinkedHashSet<>();
    if (type == WebhookEventType.JOB_COMPLETED && data instanceof EventPayloads.JobCompleted completed) {
      completed.outputs().stream().map(EventPayloads.JobOutput::assetId).filter(Objects::nonNull).forEach(assets::add);
    }
    return assets;
  }

  /** The asset an {@code asset.stored} event is about. */
  public Optional<UUID> storedAsset() {
    return type == WebhookEventType.ASSET_STORED && data instanceof EventPayloads.AssetStored stored
        ? Optional.of(stored.assetId()) : Optional.empty();
  }

  public static String jobKey(UUID jobId) {
    return "job:" + jobId;
  }

  public static String collectionKey(UUID collectionId) {
    return "collection:" + collectionId;
  }
}
