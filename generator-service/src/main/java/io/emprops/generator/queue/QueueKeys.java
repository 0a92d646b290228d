package io.emprops.generator.queue;

/**
 * Redis keys and channels of the EmProps Job Queue (JOB-QUEUE.md). Real workers read and write
 * these; the names are the protocol.
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
