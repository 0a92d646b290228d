package io.emprops.webhooks.domain.delivery;

import io.emprops.webhooks.domain.endpoint.EndpointRepository.SealedSecret;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A delivery this instance claimed for one attempt (until its lease runs out).
 *
 * @param attempt the number of this attempt (1 for the first)
 * @param deliverBy when retrying ends
 * @param occurredAt when the event happened (for the event → delivered latency)
 * @param secrets the endpoint's signing secrets at the claim, sealed
 */
public record ClaimedDelivery(UUID id, UUID endpointId, URI url, UUID messageId, String eventType, String orderingKey,
    int attempt, Instant deliverBy, Instant occurredAt, String body, List<SealedSecret> secrets) {}
