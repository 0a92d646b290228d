package io.emprops.webhooks.config;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * {@code emprops.webhooks.*}.
 *
 * @param secretsKey AES-256 key (base64) that seals the endpoints' signing secrets at rest; required
 * @param localMode a local stack: endpoints may be {@code http://} on a loopback host, and loopback
 *     addresses may be called (private, link-local and metadata addresses never are)
 * @param maxEndpointsPerUser endpoints one user may have
 * @param maxRotationOverlap the longest overlap a rotation may ask for
 */
@ConfigurationProperties("emprops.webhooks")
public record WebhooksProperties(
    String secretsKey, boolean localMode, Integer maxEndpointsPerUser, Duration maxRotationOverlap,
    Delivery delivery, Duration retention) {

  public WebhooksProperties {
    maxEndpointsPerUser = maxEndpointsPerUser == null ? 25 : maxEndpointsPerUser;
    maxRotationOverlap = maxRotationOverlap == null ? Duration.ofDays(7) : maxRotationOverlap;
    delivery = delivery == null ? new Delivery(null, null, null, null, null, null, null, null, null, null, null,
        null, null, null, null, null) : delivery;
    retention = retention == null ? Duration.ofDays(30) : retention;
  }

  /**
   * @param timeout bound on one attempt, connection and response included (15 s)
   * @param connectTimeout bound on opening the connection (5 s)
   * @param maxResponseSize the most of a response body that is read (64 KB; the rest is not read,
   *     and its connection not reused)
   * @param retryFor how long a delivery is retried (24 h)
   * @param initialBackoff first retry delay (5 s), then × {@code backoffMultiplier} (2) per attempt,
   *     at most {@code maxBackoff} (1 h), each ± {@code jitter} (20 %)
   * @param disableAfter an endpoint whose attempts have all failed for this long is disabled (3 days)
   * @param concurrency attempts in flight per instance (256)
   * @param perEndpointConcurrency attempts in flight to one endpoint per instance (16), so a slow
   *     endpoint cannot take every sender
   * @param batchSize deliveries claimed per query (200)
   * @param lease how long a claimed delivery is an instance's; longer than {@code timeout}, so only
   *     a crashed instance's deliveries are sent again (60 s)
   * @param pollInterval how often an idle instance looks for due deliveries (a delivery created by
   *     this instance wakes it at once) (500 ms)
   * @param progressInterval least time between two {@code job.progress} deliveries of one job to
   *     one endpoint; the progress in between is coalesced into the next (500 ms: 2 a second)
   * @param completionHold the longest a {@code job.completed} waits, for an endpoint subscribed to
   *     {@code asset.stored} too, for the {@code asset.stored} of its outputs (read from another
   *     topic) to go first; then it is sent anyway (60 s; zero: it does not wait)
   */
  public record Delivery(
      Duration timeout, Duration connectTimeout, DataSize maxResponseSize, Duration retryFor,
      Duration initialBackoff, Double backoffMultiplier, Duration maxBackoff, Double jitter, Duration disableAfter,
      Integer concurrency, Integer perEndpointConcurrency, Integer batchSize, Duration lease, Duration pollInterval,
      Duration progressInterval, Duration completionHold) {

    public Delivery {
      timeout = timeout == null ? Duration.ofSeconds(15) : timeout;
      connectTimeout = connectTimeout == null ? Duration.ofSeconds(5) : connectTimeout;
      maxResponseSize = maxResponseSize == null ? DataSize.ofKilobytes(64) : maxResponseSize;
      retryFor = retryFor == null ? Duration.ofHours(24) : retryFor;
      initialBackoff = initialBackoff == null ? Duration.ofSeconds(5) : initialBackoff;
      backoffMultiplier = backoffMultiplier == null ? 2.0 : backoffMultiplier;
      maxBackoff = maxBackoff == null ? Duration.ofHours(1) : maxBackoff;
      jitter = jitter == null ? 0.2 : jitter;
      disableAfter = disableAfter == null ? Duration.ofDays(3) : disableAfter;
      concurrency = concurrency == null ? 256 : concurrency;
      perEndpointConcurrency = perEndpointConcurrency == null ? 16 : perEndpointConcurrency;
      batchSize = batchSize == null ? 200 : batchSize;
      lease = lease == null ? Duration.ofSeconds(60) : lease;
      pollInterval = pollInterval == null ? Duration.ofMillis(500) : pollInterval;
      progressInterval = progressInterval == null ? Duration.ofMillis(500) : progressInterval;
      completionHold = completionHold == null ? Duration.ofSeconds(60) : completionHold;
      if (!timeout.isPositive() || !connectTimeout.isPositive() || lease.compareTo(timeout) <= 0) {
        throw new IllegalArgumentException(
            "emprops.webhooks.delivery.timeout and .connect-timeout must be positive and .lease longer than .timeout");
      }
      if (backoffMultiplier < 1 || jitter < 0 || jitter >= 1 || !initialBackoff.isPositive()
          || maxBackoff.compareTo(initialBackoff) < 0) {
        throw new IllegalArgumentException("emprops.webhooks.delivery backoff: initial > 0, max >= initial,"
            + " multiplier >= 1, 0 <= jitter < 1");
      }
      if (completionHold.isNegative()) {
        throw new IllegalArgumentException("emprops.webhooks.delivery.completion-hold must not be negative");
      }
      if (concurrency < 1 || perEndpointConcurrency < 1 || batchSize < 1) {
        throw new IllegalArgumentException("emprops.webhooks.delivery.concurrency, .per-endpoint-concurrency"
            + " and .batch-size must be positive");
      }
    }
  }
}
