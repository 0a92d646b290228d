package io.emprops.jobqueue;

import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * A worker's side of the queue's protocol (JOB-QUEUE.md, "What workers do"): each method writes
 * and publishes what a real worker writes and publishes at that point. The development worker and
 * the generator's test simulator both speak through it, so they cannot drift apart; what they do
 * between these calls (painting, dying, repeating messages) is their own.
 */
public final class QueueWorker {

  private static final String CLAIM = resource("claim.lua");

  /** Wraps each publish, e.g. in a tracing span; by default it just publishes. */
  @FunctionalInterface
  public interface Publishing {
    void around(String channel, Runnable publish);
  }

  private final StatefulRedisConnection<String, String> connection;
  private final JsonMapper json;
  private final String workerId;
  private final Publishing publishing;

  public QueueWorker(StatefulRedisConnection<String, String> connection, JsonMapper json, String workerId) {
    this(connection, json, workerId, (channel, publish) -> publish.run());
  }

  public QueueWorker(StatefulRedisConnection<String, String> connection, JsonMapper json, String workerId,
      Publishing publishing) {
    this.connection = connection;
    this.json = json;
    this.workerId = workerId;
    this.publishing = publishing;
  }

  public String workerId() {
    return workerId;
  }

  /**
   * Takes the best pending step of {@code service} atomically (the shared claim script), without
   * announcing it: see {@link #announceClaim}.
   */
  public Optional<ClaimedStep> claim(String service) {
    Instant now = Instant.now();
    // assigned_at is "<sec>.<usec>", as the queue's findMatchingJob writes it, not ISO-8601.
    String assignedAt = now.getEpochSecond() + "." + String.format("%06d", now.getNano() / 1000);
    String stepId = redis().eval(CLAIM, ScriptOutputType.VALUE, new String[] {QueueKeys.PENDING},
        service, workerId, assignedAt);
    return stepId == null ? Optional.empty()
        : Optional.of(new ClaimedStep(stepId, redis().hgetall(QueueKeys.job(stepId)), now));
  }

  /** Announces a claim: {@code job_claimed}, then progress 0. */
  public void announceClaim(ClaimedStep step) {
    ObjectNode claimed = message(step.stepId());
    claimed.put("status", "claimed");
    claimed.put("claimed_at", step.claimedAt().toString());
    claimed.put("service_required", step.field(StepFields.SERVICE_REQUIRED));
    claimed.put("customer_id", step.field(StepFields.CUSTOMER_ID));
    claimed.put("workflow_id", step.field(StepFields.WORKFLOW_ID));
    publish(QueueKeys.CHANNEL_CLAIMED, claimed);
    ObjectNode zero = message(step.stepId());
    zero.put("progress", 0);
    publish(QueueKeys.CHANNEL_PROGRESS, zero);
  }

  public void start(String stepId) {
    redis().hset(QueueKeys.job(stepId), Map.of(
        StepFields.STATUS, StepFields.IN_PROGRESS, StepFields.STARTED_AT, Instant.now().toString()));
  }

  /** The worker's own sub-step progress: the progress hash, then {@code update_job_progress}. */
  public void progress(String stepId, int percent, String text) {
    String now = Instant.now().toString();
    redis().hset(QueueKeys.progress(stepId), Map.of(StepFields.PROGRESS, Integer.toString(percent),
        StepFields.STATUS, StepFields.IN_PROGRESS, StepFields.MESSAGE, text, StepFields.UPDATED_AT, now));
    ObjectNode progress = message(stepId);
    progress.put("progress", percent);
    progress.put("status", "in_progress");
    progress.put("message", text);
    publish(QueueKeys.CHANNEL_PROGRESS, progress);
  }

  /** A connector's result as workers report it: {@code {success, data, processing_time_ms}}. */
  public ObjectNode connectorResult(JsonNode data, long processingMillis) {
    ObjectNode result = json.createObjectNode();
    result.put("success", true);
    result.set("data", data);
    result.put("processing_time_ms", processingMillis);
    return result;
  }

  /**
   * Completes as a real worker does: what {@code jobs:completed} holds wraps the connector's
   * result once more than the message does (JOB-QUEUE.md, "Result nesting").
   */
  public void complete(String stepId, ObjectNode connectorResult) {
    complete(stepId, connectorResult, Optional.of(connectorResult));
  }

  /**
   * Completes with {@code stored} as the {@code data} of the {@code jobs:completed} entry, or no
   * entry at all when empty (an expired entry, or a worker build that does not store it).
   */
  public void complete(String stepId, ObjectNode connectorResult, Optional<JsonNode> stored) {
    String now = Instant.now().toString();
    redis().hset(QueueKeys.job(stepId), Map.of(StepFields.STATUS, StepFields.COMPLETED, StepFields.COMPLETED_AT, now));
    if (stored.isPresent()) {
      ObjectNode entry = json.createObjectNode();
      entry.put("success", true);
      entry.set("data", stored.get());
      entry.put("completed_at", now);
      redis().hset(QueueKeys.COMPLETED, stepId, json.writeValueAsString(entry));
      redis().expire(QueueKeys.COMPLETED, QueueKeys.COMPLETED_TTL);
    }
    release(stepId);
    publishCompletion(stepId, connectorResult);
  }

  /** The {@code complete_job} message alone (also for a duplicate or late delivery). */
  public void publishCompletion(String stepId, ObjectNode connectorResult) {
    ObjectNode message = message(stepId);
    message.put("progress", 100);
    message.put("status", "completed");
    message.put("message", "done");
    message.set("result", connectorResult);
    publish(QueueKeys.CHANNEL_COMPLETED, message);
  }

  /** A failure the queue retries: back to pending below where it was, no message. */
  public void failRetryably(String stepId) {
    String key = QueueKeys.job(stepId);
    long retries = redis().hincrby(key, StepFields.RETRY_COUNT, 1);
    redis().hset(key, Map.of(StepFields.STATUS, StepFields.PENDING, StepFields.LAST_FAILED_WORKER, workerId));
    double priority = Double.parseDouble(redis().hget(key, StepFields.WORKFLOW_PRIORITY));
    long started = Long.parseLong(redis().hget(key, StepFields.WORKFLOW_DATETIME));
    redis().zadd(QueueKeys.PENDING, priority * 1e15 - Math.floor(started / 1000.0) - retries, stepId);
    release(stepId);
  }

  /** Retries exhausted (or input that can never succeed): failed for good, {@code can_retry:false}. */
  public void failPermanently(String stepId, String error) {
    String now = Instant.now().toString();
    String key = QueueKeys.job(stepId);
    redis().hset(key, Map.of(StepFields.STATUS, StepFields.FAILED, StepFields.FAILED_AT, now));
    int retries = Integer.parseInt(Optional.ofNullable(redis().hget(key, StepFields.RETRY_COUNT)).orElse("0"));
    ObjectNode entry = json.createObjectNode();
    entry.put("error", error);
    entry.put("failed_at", now);
    entry.put("retry_count", retries);
    redis().hset(QueueKeys.FAILED, stepId, json.writeValueAsString(entry));
    redis().expire(QueueKeys.FAILED, QueueKeys.FAILED_TTL);
    release(stepId);
    ObjectNode message = message(stepId);
    message.put("status", "failed");
    message.put("error", error);
    message.put("failed_at", now);
    message.put("retry_count", retries);
    message.put("can_retry", false);
    publish(QueueKeys.CHANNEL_FAILED, message);
  }

  /** The step's {@code status} now (a cancel by the queue's API sets it to {@code failed}). */
  public String status(String stepId) {
    return Optional.ofNullable(redis().hget(QueueKeys.job(stepId), StepFields.STATUS)).orElse("");
  }

  /** Stops holding the step ({@code jobs:active:<worker>}). */
  public void release(String stepId) {
    redis().hdel(QueueKeys.activeJobs(workerId), stepId);
  }

  /** Whether its active set holds the step. */
  public boolean holds(String stepId) {
    return redis().hexists(QueueKeys.activeJobs(workerId), stepId);
  }

  /** Starts holding nothing, as a worker does when (re)started under its id. */
  public void forgetHeldSteps() {
    redis().del(QueueKeys.activeJobs(workerId));
  }

  public void heartbeat() {
    redis().setex(QueueKeys.heartbeat(workerId), QueueKeys.HEARTBEAT_TTL_SECONDS, Instant.now().toString());
  }

  /** Removes the heartbeat key (as it disappears by itself 60 s after the last refresh). */
  public void stopHeartbeat() {
    redis().del(QueueKeys.heartbeat(workerId));
  }

  private ObjectNode message(String stepId) {
    ObjectNode node = json.createObjectNode();
    node.put("job_id", stepId);
    node.put("worker_id", workerId);
    node.put("timestamp", System.currentTimeMillis());
    return node;
  }

  private void publish(String channel, ObjectNode message) {
    publishing.around(channel, () -> redis().publish(channel, json.writeValueAsString(message)));
  }

  private RedisCommands<String, String> redis() {
    return connection.sync();
  }

  private static String resource(String name) {
    try (InputStream in = QueueWorker.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
