package io.emprops.generator.config;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * How the generator runs jobs and watches the job queue ({@code emprops.generator.execution}).
 *
 * @param progressInterval least time between two progress events of a job (default 250 ms, i.e.
 *     at most 4 per second); state changes and terminal events are never throttled
 * @param reconcileInterval how often the reconciler runs
 * @param reconcileAfter how long a step in flight may go without news before the reconciler reads
 *     its state from the queue's hashes (pub/sub messages can be lost)
 * @param queueTimeout how long a step may wait unclaimed (no worker serves its service) before the
 *     job fails
 * @param deadWorkerGrace how long after a claim a missing worker heartbeat key is tolerated
 * @param staleProgressAfter a claimed step whose progress record is older than this is treated as
 *     abandoned even when its worker still heartbeats
 * @param maxAttempts submissions per step (first included) when workers die or the queue loses it
 * @param priority the queue priority of our steps (the queue reads 0 as unset)
 */
@ConfigurationProperties("emprops.generator.execution")
public record ExecutionProperties(
    Duration progressInterval, Duration reconcileInterval, Duration reconcileAfter, Duration queueTimeout,
    Duration deadWorkerGrace, Duration staleProgressAfter, int maxAttempts, int priority) {

  public ExecutionProperties {
    progressInterval = progressInterval == null ? Duration.ofMillis(250) : progressInterval;
    reconcileInterval = reconcileInterval == null ? Duration.ofSeconds(2) : reconcileInterval;
    reconcileAfter = reconcileAfter == null ? Duration.ofSeconds(5) : reconcileAfter;
    queueTimeout = queueTimeout == null ? Duration.ofMinutes(15) : queueTimeout;
    deadWorkerGrace = deadWorkerGrace == null ? Duration.ofSeconds(30) : deadWorkerGrace;
    staleProgressAfter = staleProgressAfter == null ? Duration.ofMinutes(10) : staleProgressAfter;
    maxAttempts = maxAttempts <= 0 ? 3 : maxAttempts;
    priority = priority <= 0 ? 50 : priority;
  }
}
