package io.emprops.generator.queue;

import java.time.Instant;
import java.util.Objects;

/**
 * One step of a generation job, as the queue stores it (a queue "job"). Our job id goes in
 * {@code workflowId}; the step id is new for every submission, also for a resubmission.
 *
 * @param payload the worker's input, JSON
 * @param ctx storage target for workers that save assets themselves, JSON, or null
 * @param workflowDatetime when the generation job started (ms epoch): older jobs jump ahead
 * @param currentStep 1-based position of this step in the job
 */
public record StepSubmission(
    String stepId,
    String serviceRequired,
    int priority,
    String payload,
    String customerId,
    Instant createdAt,
    int maxRetries,
    String workflowId,
    int workflowPriority,
    long workflowDatetime,
    int currentStep,
    int totalSteps,
    String jobTraceId,
    String jobSpanId,
    String workflowTraceId,
    String workflowSpanId,
    String ctx) {

  public static final int DEFAULT_PRIORITY = 50;
  public static final int DEFAULT_MAX_RETRIES = 3;

  public StepSubmission {
    Objects.requireNonNull(stepId, "stepId");
    Objects.requireNonNull(serviceRequired, "serviceRequired");
    Objects.requireNonNull(payload, "payload");
    // The queue treats 0 as "unset": a 0 sent here would silently become its default.
    if (priority <= 0 || workflowPriority <= 0) {
      throw new IllegalArgumentException("priorities must be positive (the queue reads 0 as unset)");
    }
    if (maxRetries <= 0) {
      throw new IllegalArgumentException("maxRetries must be positive (the queue reads 0 as unset)");
    }
    if (currentStep < 1 || currentStep > totalSteps) {
      throw new IllegalArgumentException("currentStep must be within 1.." + totalSteps);
    }
  }

  /**
   * The sorted-set score: {@code P * 1e15 - floor(D / 1000)}, highest served first, so at equal
   * priority an older workflow is served before a newer one. Computed in double arithmetic, as
   * the queue's own (JavaScript) API computes it.
   */
  public double score() {
    double p = workflowPriority > 0 ? workflowPriority : priority;
    long d = workflowDatetime > 0 ? workflowDatetime : createdAt.toEpochMilli();
    return p * 1e15 - Math.floor(d / 1000.0);
  }
}
