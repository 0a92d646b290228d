package io.emprops.webhooks.domain.delivery;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * When a failed attempt is tried again: exponential backoff ({@code initial × multiplier^(n-1)},
 * at most {@code max}) with jitter (± {@code jitter} of the delay, so endpoints that failed together
 * are not retried together), or when the endpoint's {@code Retry-After} says (never sooner than a
 * second); retries stop at the delivery's deadline, with a last attempt at the deadline itself.
 */
public record RetryPolicy(Duration initial, double multiplier, Duration max, double jitter) {

  /** The delay before attempt {@code attempt + 1}, before jitter. */
  public Duration backoff(int attempt) {
    double millis = initial.toMillis() * Math.pow(multiplier, Math.max(0, attempt - 1));
    return Duration.ofMillis((long) Math.min(millis, max.toMillis()));
  }

  /**
   * @param attempt the attempt that just failed (1 for the first)
   * @return when to try again; empty when the deadline has passed
   */
  public Optional<Instant> next(int attempt, Instant now, Optional<Duration> retryAfter, Instant deadline,
      RandomGenerator random) {
    if (!now.isBefore(deadline)) {
      return Optional.empty();
    }
    Duration delay = retryAfter
        .map(d -> d.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : d)
        .orElseGet(() -> jittered(backoff(attempt), random));
    Instant next = now.plus(delay);
    return Optional.of(next.isAfter(deadline) ? deadline : next);
  }

  private Duration jittered(Duration delay, RandomGenerator random) {
    double factor = 1 + jitter * (2 * random.nextDouble() - 1);
    return Duration.ofMillis(Math.max(1, Math.round(delay.toMillis() * factor)));
  }
}
