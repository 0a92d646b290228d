package io.emprops.generator.queue;

import io.emprops.jobqueue.StepFields;
import java.util.Map;
import java.util.Optional;

/**
 * What the queue's hashes say about a step — the source of truth for terminality, since pub/sub
 * messages can be lost, duplicated or late.
 *
 * @param fields {@code job:<id>}
 * @param progress {@code job:<id>:progress}
 * @param completedResult the {@code jobs:completed} entry (JSON), if any
 * @param failure the {@code jobs:failed} entry (JSON), if any
 * @param heldByWorker whether the worker named in {@code job:<id>} holds the step in its
 *     {@code jobs:active:<worker>} set, read in the same snapshot; empty when no worker is named
 */
public record StepState(
    Map<String, String> fields, Map<String, String> progress,
    Optional<String> completedResult, Optional<String> failure, Optional<Boolean> heldByWorker) {

  public boolean exists() {
    return !fields.isEmpty();
  }

  public String status() {
    return fields.getOrDefault(StepFields.STATUS, "");
  }

  public Optional<String> workerId() {
    return Optional.ofNullable(fields.get(StepFields.WORKER_ID)).filter(w -> !w.isEmpty());
  }

  public boolean isCompleted() {
    return StepFields.COMPLETED.equals(status());
  }

  /** Failed for good: retries exhausted, or cancelled. A retryable failure is back to pending. */
  public boolean isFailed() {
    return StepFields.FAILED.equals(status());
  }

  public boolean isTerminal() {
    return isCompleted() || isFailed();
  }

  /** Claimed by a worker and not finished: what a dead worker leaves behind forever. */
  public boolean isInFlight() {
    return StepFields.ASSIGNED.equals(status()) || StepFields.IN_PROGRESS.equals(status());
  }

  /**
   * Claimed, yet its worker does not hold it: a worker restarted under the same id no longer has
   * the steps it held, while its fresh heartbeat says it is alive (JOB-QUEUE.md, "Worker sets").
   */
  public boolean isOrphaned() {
    return isInFlight() && heldByWorker.equals(Optional.of(false));
  }

  public Optional<String> error() {
    return Optional.ofNullable(fields.get(StepFields.ERROR)).filter(e -> !e.isEmpty());
  }
}
