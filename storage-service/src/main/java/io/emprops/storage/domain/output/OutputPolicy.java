package io.emprops.storage.domain.output;

import io.emprops.web.outbound.HostAllowList;
import java.time.Duration;

/**
 * How outputs are fetched from where workers left them. Output URLs come from workers, so HTTP(S)
 * fetches are fenced in like the generator's {@code fetch_api} calls: allow-listed hosts only,
 * public addresses only (unless allowed for a local stack), no redirects, bounded time and size.
 *
 * @param allowedHosts hosts outputs may be fetched from ({@code data:} URLs need none)
 * @param allowPrivateAddresses whether hosts may resolve to loopback, private or link-local addresses
 * @param timeout bound on a whole fetch, body included
 * @param maxBytes the largest output accepted (decoded, for {@code data:} URLs)
 * @param attempts how often an output is tried when its source cannot be read or the store fails
 * @param retryBackoff the pause after the first failed attempt, doubled after each further one
 * @param storeOutagePatience how long an output the object store still refuses after those attempts
 *     is kept and retried ({@link DeferredOutputs}) before it is given up
 * @param storeRetryInterval the pause before a deferred output's first retry, doubled after each
 *     further one up to a minute
 */
public record OutputPolicy(HostAllowList allowedHosts, boolean allowPrivateAddresses, Duration timeout, long maxBytes,
    int attempts, Duration retryBackoff, Duration storeOutagePatience, Duration storeRetryInterval) {

  private static final Duration LONGEST_STORE_RETRY_PAUSE = Duration.ofMinutes(1);

  /** The pause after the {@code attempt}-th of the quick attempts: {@code retryBackoff}, doubled after each. */
  public Duration quickRetryPause(int attempt) {
    return doubled(retryBackoff, attempt - 1);
  }

  /**
   * The pause after a deferred output's {@code tried}-th attempt: {@code storeRetryInterval} after
   * the quick attempts, doubled after each retry, at most a minute.
   */
  public Duration storeRetryPause(int tried) {
    Duration pause = doubled(storeRetryInterval, Math.max(tried - attempts, 0));
    return pause.compareTo(LONGEST_STORE_RETRY_PAUSE) > 0 ? LONGEST_STORE_RETRY_PAUSE : pause;
  }

  private static Duration doubled(Duration first, int times) {
    return first.multipliedBy(1L << Math.min(times, 10));
  }
}
