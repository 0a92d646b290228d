package io.emprops.jobqueue;

/**
 * Field names and status values of a step's hash {@code job:<id>} and its progress hash
 * {@code job:<id>:progress} (JOB-QUEUE.md). All values in Redis are strings.
 */
public final class StepFields {

  // Written on submission, as the queue's own API writes them.
  public static final String ID = "id";
  public static final String SERVICE_REQUIRED = "service_required";
  public static final String PRIORITY = "priority";
  public static final String PAYLOAD = "payload";
  public static final String REQUIREMENTS = "requirements";
  public static final String CUSTOMER_ID = "customer_id";
  public static final String CREATED_AT = "created_at";
  public static final String STATUS = "status";
  public static final String RETRY_COUNT = "retry_count";
  public static final String MAX_RETRIES = "max_retries";
  public static final String WORKFLOW_ID = "workflow_id";
  public static final String WORKFLOW_PRIORITY = "workflow_priority";
  public static final String WORKFLOW_DATETIME = "workflow_datetime";
  public static final String CURRENT_STEP = "current_step";
  public static final String TOTAL_STEPS = "total_steps";
  public static final String JOB_TRACE_ID = "job_trace_id";
  public static final String JOB_SPAN_ID = "job_span_id";
  public static final String WORKFLOW_TRACE_ID = "workflow_trace_id";
  public static final String WORKFLOW_SPAN_ID = "workflow_span_id";
  public static final String CTX = "ctx";

  // Written by workers (and by the queue's API on a cancel).
  public static final String WORKER_ID = "worker_id";
  /** {@code "<sec>.<usec>"}, not ISO-8601. */
  public static final String ASSIGNED_AT = "assigned_at";
  public static final String STARTED_AT = "started_at";
  public static final String COMPLETED_AT = "completed_at";
  public static final String FAILED_AT = "failed_at";
  public static final String LAST_FAILED_WORKER = "last_failed_worker";
  public static final String ERROR = "error";

  // The progress hash job:<id>:progress (also carries STATUS).
  public static final String PROGRESS = "progress";
  public static final String MESSAGE = "message";
  public static final String UPDATED_AT = "updated_at";

  // Values of STATUS.
  public static final String PENDING = "pending";
  public static final String ASSIGNED = "assigned";
  public static final String IN_PROGRESS = "in_progress";
  public static final String COMPLETED = "completed";
  public static final String FAILED = "failed";

  private StepFields() {}
}
