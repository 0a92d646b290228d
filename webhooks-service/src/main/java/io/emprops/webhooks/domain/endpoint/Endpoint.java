package io.emprops.webhooks.domain.endpoint;

import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A user's webhook endpoint.
 *
 * @param eventTypes subscribed types and wildcards ({@code job.*}, {@code *})
 * @param disabledReason why it is disabled, when it is (the owner's choice, or sustained failure)
 * @param failingSince when its current run of failed attempts began; null while it succeeds
 */
public record Endpoint(
    UUID id, String userId, URI url, String description, List<String> eventTypes, boolean enabled,
    String disabledReason, Instant disabledAt, Instant failingSince, Instant createdAt, Instant updatedAt) {

  public Endpoint {
    eventTypes = List.copyOf(eventTypes);
  }
}
