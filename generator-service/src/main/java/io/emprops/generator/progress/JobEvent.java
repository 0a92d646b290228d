package io.emprops.generator.progress;

import java.time.Instant;
import java.util.UUID;
import com.fasterxml.jackson.annotation.JsonIgnore;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * One event of a job as clients see it (API.md: SSE event names, WebSocket {@code type}). Every
 * event is a row of the job's history first; {@code seq} is its SSE id, so a client reconnecting
 * with {@code Last-Event-ID} is replayed exactly what it missed.
 *
 * @param status the job's status when the event happened
 * @param previousSeq the seq of the job's event before this one (0 for its first): a stream that
 *     has not sent that one yet knows a live event overtook it and reads the history first
 * @param dataJson {@code data} as JSON text, written once per event however many clients it goes to
 */
public record JobEvent(long seq, UUID jobId, String event, String status, String message, JsonNode data,
    Instant createdAt, long previousSeq, @JsonIgnore String dataJson) {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  public JobEvent {
    dataJson = dataJson != null ? dataJson : JSON.writeValueAsString(data);
  }

  public JobEvent(long seq, UUID jobId, String event, String status, String message, JsonNode data,
      Instant createdAt, long previousSeq) {
    this(seq, jobId, event, status, message, data, createdAt, previousSeq, null);
  }

  public static final String JOB_STATUS = "job_status";
  public static final String NODE_STARTED = "node_started";
  public static final String NODE_PROGRESS = "node_progress";
  public static final String NODE_COMPLETED = "node_completed";
  /** A worker produced an output file; it is being stored ({@code url} null until then). */
  public static final String IMAGE_GENERATED = "image_generated";
  /** An output file is durable: {@code asset_id} and {@code url} are set. */
  public static final String IMAGE_STORED = "image_stored";
  /** An output file will not be durable: {@code error} says why (the job will fail). */
  public static final String IMAGE_STORE_FAILED = "image_store_failed";
  public static final String JOB_COMPLETED = "job_completed";
  public static final String JOB_FAILED = "job_failed";

  /** The last event of a job: a stream closes after it. */
  public boolean isTerminal() {
    return JOB_COMPLETED.equals(event) || JOB_FAILED.equals(event)
        || (JOB_STATUS.equals(event) && "cancelled".equals(status));
  }
}
