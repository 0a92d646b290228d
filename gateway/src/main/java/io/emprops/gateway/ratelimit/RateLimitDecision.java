package io.emprops.gateway.ratelimit;

/**
 * The outcome of counting one request.
 *
 * @param resetEpochSeconds when the current window ends and the count starts again
 */
public record RateLimitDecision(boolean allowed, int limit, int remaining, long resetEpochSeconds) {}
