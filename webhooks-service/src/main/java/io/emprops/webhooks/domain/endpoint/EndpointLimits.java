package io.emprops.webhooks.domain.endpoint;

import java.time.Duration;

/**
 * @param maxPerUser endpoints one user may have
 * @param maxRotationOverlap the longest overlap a rotation may ask for
 */
public record EndpointLimits(int maxPerUser, Duration maxRotationOverlap) {}
