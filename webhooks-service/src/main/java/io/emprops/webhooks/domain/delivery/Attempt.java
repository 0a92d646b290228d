package io.emprops.webhooks.domain.delivery;

import java.time.Instant;

/**
 * One attempt of a delivery.
 *
 * @param statusCode the endpoint's answer; null when none came (refused, unreachable, timed out)
 * @param responseBody the start of the answer's body (at most 1 KB), for the owner's debugging
 */
public record Attempt(int attempt, Instant attemptedAt, Integer statusCode, int durationMs, String error,
    String responseBody) {}
