package io.emprops.webhooks.domain.delivery;

import java.time.Duration;
import java.util.Optional;

/**
 * What one attempt came to.
 *
 * @param statusCode the endpoint's HTTP status, null when it gave none
 * @param retryAfter the endpoint's {@code Retry-After} (on 429 and 503)
 * @param refused the attempt was not made: the host resolved to an address webhooks may not reach
 */
public record AttemptResult(Outcome outcome, Integer statusCode, long durationMs, String error, String responseBody,
    Optional<Duration> retryAfter, boolean refused) {

  /** {@code SUCCESS}: 2xx. {@code RETRY}: timeouts, network errors, 408, 429, 5xx, refused addresses. {@code FAIL}: anything else. */
  public enum Outcome { SUCCESS, RETRY, FAIL }

  public static AttemptResult answered(int status, long durationMs, String responseBody, Optional<Duration> retryAfter) {
    if (status / 100 == 2) {
      return new AttemptResult(Outcome.SUCCESS, status, durationMs, null, responseBody, Optional.empty(), false);
    }
    boolean retryable = status / 100 == 5 || status == 429 || status == 408;
    String error = status / 100 == 3 ? "HTTP " + status + ": redirects are not followed" : "HTTP " + status;
    return new AttemptResult(retryable ? Outcome.RETRY : Outcome.FAIL, status, durationMs, error, responseBody,
        retryable ? retryAfter : Optional.empty(), false);
  }

  public static AttemptResult unreachable(long durationMs, String error) {
    return new AttemptResult(Outcome.RETRY, null, durationMs, error, null, Optional.empty(), false);
  }

  public static AttemptResult refused(String error) {
    return new AttemptResult(Outcome.RETRY, null, 0, error, null, Optional.empty(), true);
  }
}
