package io.emprops.jobqueue;

import java.time.Duration;

/**
 * Redis keys and channels of the EmProps Job Queue (JOB-QUEUE.md). Real workers read and write
 * these; the names are the protocol, so they are written here only.
 */
public final class QueueKeys {

  public static final String PENDING = "jobs:pending";
  public static final String COMPLETED = "jobs:completed";
  public static final String FAILED = "jobs:failed";

  public static final String CHANNEL_SUBMITTED = "job_submitted";
  public static final String CHANNEL_CLAIMED = "job_claimed";
  public static final String CHANNEL_PROGRESS = "update_job_progress";
  public static final String CHANNEL_COMPLETED = "complete_job";
  public static final String CHANNEL_FAILED = "job_failed";
  public static final String CHANNEL_CANCEL = "cancel_job";

  /** How long {@code jobs:completed} lives after the last completion anywhere. */
  public static final Duration COMPLETED_TTL = Duration.ofHours(24);
  /** How long {@code jobs:failed} lives after the last permanent failure anywhere. */
  public static final Duration FAILED_TTL = Duration.ofDays(7);
  /** A worker refreshes its heartbeat key every 30 s; the key expires 60 s after the last. */
  public static final long HEARTBEAT_TTL_SECONDS = 60;

  private QueueKeys() {}

  public static String job(String stepId) {
    return "job:" + stepId;
  }

  public static String progress(String stepId) {
    return "job:" + stepId + ":progress";
  }

  public static String activeJobs(String workerId) {
    return "jobs:active:" + workerId;
  }

  public static String heartbeat(String workerId) {
    return "worker:" + workerId + ":heartbeat";
  }
}
