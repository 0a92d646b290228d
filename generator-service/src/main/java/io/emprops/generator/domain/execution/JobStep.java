package io.emprops.generator.domain.execution;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import tools.jackson.databind.JsonNode;

/**
 * One step of one generation of a job, as executed (see V5__job_execution.sql for the states).
 *
 * @param queueStepId the current submission's id in the job queue (new on every resubmission)
 * @param output the value handed to dependants' {@code $ref}s: its first file's URL, else the worker's
 *     result as it is (its files are {@link JobOutput}s)
 */
public record JobStep(
    UUID jobId, int generation, int stepId, int position, String workflowName, Kind kind, String serviceRequired,
    long cost, List<Integer> dependsOn, JsonNode inputs, String status, int attempt, String queueStepId,
    JsonNode payload, Instant submittedAt, String workerId, Instant claimedAt, int progress, JsonNode output,
    String error, Instant completedAt, Instant updatedAt) {

  public static final String WAITING = "waiting";
  public static final String QUEUED = "queued";
  public static final String RUNNING = "running";
  public static final String COMPLETED = "completed";
  public static final String FAILED = "failed";
  public static final String CANCELLED = "cancelled";

  /** Who runs a step: a worker of the job queue, or the generator itself (fetch_api). */
  public enum Kind {
    QUEUE, FETCH;

    public String wireName() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  public JobStep {
    dependsOn = List.copyOf(dependsOn);
  }

  public boolean isInFlight() {
    return QUEUED.equals(status) || RUNNING.equals(status);
  }

  public boolean isCompleted() {
    return COMPLETED.equals(status);
  }

  /** How clients and logs name it: step ids repeat in every generation. */
  public String label() {
    return "step " + stepId + " of generation " + generation;
  }
}
