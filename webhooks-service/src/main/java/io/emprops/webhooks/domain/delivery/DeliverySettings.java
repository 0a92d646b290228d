package io.emprops.webhooks.domain.delivery;

import java.time.Duration;

/**
 * How deliveries are scheduled and sent (README, "Configuration", {@code emprops.webhooks.delivery.*}).
 *
 * @param retryFor how long a delivery is retried
 * @param disableAfter how long an endpoint may fail every attempt before it is disabled
 * @param progressInterval least time between two {@code job.progress} deliveries of a job to an endpoint
 * @param completionHold the longest a {@code job.completed} delivery waits for the {@code asset.stored}
 *     deliveries of its outputs to an endpoint subscribed to both to go first (zero: it does not wait)
 * @param concurrency attempts in flight per instance
 * @param perEndpointConcurrency attempts in flight to one endpoint per instance
 * @param batchSize deliveries claimed per query
 * @param lease how long a claimed delivery belongs to this instance
 * @param pollInterval the longest an idle instance waits before looking for due deliveries
 */
public record DeliverySettings(RetryPolicy retries, Duration retryFor, Duration disableAfter, Duration progressInterval,
    int concurrency, int perEndpointConcurrency, int batchSize, Duration lease, Duration pollInterval,
    Duration completionHold) {}
