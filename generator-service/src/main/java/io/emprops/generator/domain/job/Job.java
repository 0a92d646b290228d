package io.emprops.generator.domain.job;

import java.time.Instant;
import java.util.UUID;

/** A generation job as stored. */
public record Job(
    UUID id, String userId, UUID collectionId, String jobType, String status, int progress, int generations,
    long cost, String errorCode, String error, String requestHash, Instant createdAt, Instant startedAt,
    Instant completedAt) {

  public static final String PENDING = "pending";
  public static final String QUEUED = "queued";
  public static final String FAILED = "failed";
  public static final String CANCELLED = "cancelled";

  /** Not finished: a cancel still has something to stop. */
  public boolean isActive() {
    return PENDING.equals(status) || QUEUED.equals(status) || "processing".equals(status);
  }

  public boolean isPending() {
    return PENDING.equals(status);
  }
}
