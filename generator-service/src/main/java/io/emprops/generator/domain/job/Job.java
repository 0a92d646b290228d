package io.emprops.generator.domain.job;

import java.time.Instant;
import java.util.UUID;

/**
 * A generation job as stored.
 *
 * @param token the minted token whose image this job makes, or null for every other job
 */
public record Job(
    UUID id, String userId, UUID collectionId, String jobType, String status, int progress, int generations,
    long cost, String errorCode, String error, String requestHash, Instant createdAt, Instant startedAt,
    Instant completedAt, Token token) {

  public static final String PENDING = "pending";
  public static final String QUEUED = "queued";
  public static final String COMPLETED = "completed";
  public static final String FAILED = "failed";
  public static final String CANCELLED = "cancelled";

  /** A job that makes no token's image. */
  public Job(UUID id, String userId, UUID collectionId, String jobType, String status, int progress, int generations,
      long cost, String errorCode, String error, String requestHash, Instant createdAt, Instant startedAt,
      Instant completedAt) {
    this(id, userId, collectionId, jobType, status, progress, generations, cost, errorCode, error, requestHash,
        createdAt, startedAt, completedAt, null);
  }

  /**
   * The token a job makes the image of: in the job's collection, {@code tokenId}, and its
   * {@code hash} fixed at mint, which is the job's one generation's hash.
   */
  public record Token(UUID collectionId, long tokenId, String hash) {}

  /** Not finished: a cancel still has something to stop. */
  public boolean isActive() {
    return isActive(status);
  }

  /** Whether a job in {@code status} has not ended. */
  public static boolean isActive(String status) {
    return PENDING.equals(status) || QUEUED.equals(status) || "processing".equals(status);
  }

  public boolean isPending() {
    return PENDING.equals(status);
  }

  /**
   * A minted token's generation: the mint paid for it, so it never asks credits for a reservation
   * and costs its owner nothing (see {@link TokenGenerations}).
   */
  public boolean isPaidByMint() {
    return token != null;
  }
}
