package io.emprops.collections.domain;

import java.time.Instant;

/**
 * What the publishing service last reported for a collection: {@code pending} (requested),
 * {@code confirmed} with its contract, or {@code failed} with the reason.
 */
public record PublicationState(
    String status, String contractAddress, String txHash, String error, Instant updatedAt) {}
