package io.emprops.generator.config;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * How the generator runs jobs and watches the job queue ({@code emprops.generator.execution}).
 *
 * @param progressInterval the longest a worker's progress report waits to be on the job's stream
 *     (default 250 ms); a job's progress events are spaced four fifths of it apart (at 250 ms, at
 *     most 5 a second), the rest being the room a held-back report needs to reach clients; state
 *     changes and terminal events are never throttled
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
 * @param storageTimeout how long an output may wait for storage-service's answer ({@code AssetStored}
 *     or {@code AssetStoreFailed}) before it fails as not stored; default 10 min (storage-service
 *     itself gives up on an output within about 100 s: three attempts of at most 30 s)
 * @param maxInlineOutput the longest {@code data:} URL (an output a worker returned inline) handed to
 *     storage-service in a {@code GenerationStepCompleted}; default 900 KB. The event travels through
 *     Kafka, whose records are limited to 1 MB by default: a larger one would stop the outbox relay
 *     for every event behind it, so such an output fails at once instead (workers upload large
 *     outputs and return their URL)
 */
@ConfigurationProperties("emprops.generator.execution")
public record ExecutionProperties(
    Duration progressInterval, Duration reconcileInterval, Duration reconcileAfter, Duration queueTimeout,
    Duration deadWorkerGrace, Duration staleProgressAfter, int maxAttempts, int priority, Duration storageTimeout,
    DataSize maxInlineOutput) {

  public ExecutionProperties {
    progressInterval = progressInterval == null ? Duration.ofMillis(250) : progressInterval;
    reconcileInterval = reconcileInterval == null ? Duration.ofSeconds(2) : reconcileInterval;
    reconcileAfter = reconcileAfter == null ? Duration.ofSeconds(5) : reconcileAfter;
    queueTimeout = queueTimeout == null ? Duration.ofMinutes(15) : queueTimeout;
    deadWorkerGrace = deadWorkerGrace == null ? Duration.ofSeconds(30) : deadWorkerGrace;
    staleProgressAfter = staleProgressAfter == null ? Duration.ofMinutes(10) : staleProgressAfter;
    maxAttempts = maxAttempts <= 0 ? 3 : maxAttempts;
    priority = priority <= 0 ? 50 : priority;
    storageTimeout = storageTimeout == null ? Duration.ofMinutes(10) : storageTimeout;
    maxInlineOutput = maxInlineOutput == null ? DataSize.ofKilobytes(900) : maxInlineOutput;
  }
}
