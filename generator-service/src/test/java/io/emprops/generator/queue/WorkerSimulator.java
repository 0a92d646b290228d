package io.emprops.generator.queue;

import io.lettuce.core.RedisClient;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * A worker of the EmProps Job Queue, in test code only (JOB-QUEUE.md, "Test double"): claims
 * atomically by service, reports progress, completes or fails (retryably or for good), heartbeats
 * or dies silently, ignores cancellation and can repeat its terminal message.
 */
public final class WorkerSimulator implements AutoCloseable {

  private static final String CLAIM = load("/queue/simulator-claim.lua");

  private final StatefulRedisConnection<String, String> connection;
  private final JsonMapper json = JsonMapper.builder().build();
  private final String workerId;
  private final String service;

  public WorkerSimulator(RedisClient client, String workerId, String service) {
    this.connection = client.connect();
    this.workerId = workerId;
    this.service = service;
  }

  public String workerId() {
    return workerId;
  }

  /** Claims the best pending step of its service, announcing it as real workers do. */
  public Optional<String> claim() {
    return claim(true);
  }

  /** Claims like {@link #claim()}, but the announcements are lost (as over a subscriber's reconnect). */
  public Optional<String> claimUnannounced() {
    return claim(false);
  }

  private Optional<String> claim(boolean announce) {
    Instant now = Instant.now();
    String assignedAt = now.getEpochSecond() + "." + String.format("%06d", now.getNano() / 1000);
    String stepId = redis().eval(CLAIM, ScriptOutputType.VALUE, new String[] {QueueKeys.PENDING},
        service, workerId, assignedAt);
    if (stepId == null || !announce) {
      return Optional.ofNullable(stepId);
    }
    ObjectNode claimed = message(stepId);
    claimed.put("status", "claimed");
    claimed.put("claimed_at", now.toString());
    claimed.put("service_required", service);
    claimed.put("workflow_id", redis().hget(QueueKeys.job(stepId), "workflow_id"));
    publish(QueueKeys.CHANNEL_CLAIMED, claimed);
    ObjectNode zero = message(stepId);
    zero.put("progress", 0);
    publish(QueueKeys.CHANNEL_PROGRESS, zero);
    return Optional.of(stepId);
  }

  public void start(String stepId) {
    redis().hset(QueueKeys.job(stepId), java.util.Map.of("status", "in_progress", "started_at", Instant.now().toString()));
  }

  public void progress(String stepId, int percent, String text) {
    String now = Instant.now().toString();
    redis().hset(QueueKeys.progress(stepId), java.util.Map.of(
        "progress", Integer.toString(percent), "status", "in_progress", "message", text, "updated_at", now));
    ObjectNode progress = message(stepId);
    progress.put("progress", percent);
    progress.put("status", "in_progress");
    progress.put("message", text);
    publish(QueueKeys.CHANNEL_PROGRESS, progress);
  }

  /** Completes with {@code data} as the result's data (e.g. {@code {"image_url": …}}). */
  public void complete(String stepId, ObjectNode data) {
    String now = Instant.now().toString();
    redis().hset(QueueKeys.job(stepId), java.util.Map.of("status", "completed", "completed_at", now));
    ObjectNode stored = json.createObjectNode();
    stored.put("success", true);
    stored.set("data", data);
    stored.put("completed_at", now);
    redis().hset(QueueKeys.COMPLETED, stepId, json.writeValueAsString(stored));
    redis().hdel(QueueKeys.activeJobs(workerId), stepId);
    publishCompletion(stepId, data);
  }

  /** Sends the completion message again (duplicate or late delivery), changing nothing else. */
  public void publishCompletion(String stepId, ObjectNode data) {
    ObjectNode message = message(stepId);
    message.put("progress", 100);
    message.put("status", "completed");
    message.put("message", "done");
    ObjectNode result = message.putObject("result");
    result.put("success", true);
    result.set("data", data);
    result.put("processing_time_ms", 1);
    publish(QueueKeys.CHANNEL_COMPLETED, message);
  }

  /** A failure the queue retries: back to pending with a lower score, no message. */
  public void failRetryably(String stepId) {
    String key = QueueKeys.job(stepId);
    long retries = redis().hincrby(key, "retry_count", 1);
    redis().hset(key, java.util.Map.of("status", "pending", "last_failed_worker", workerId));
    // Re-queued below where it was, as the queue does after a failed attempt.
    double priority = Double.parseDouble(redis().hget(key, "workflow_priority"));
    long started = Long.parseLong(redis().hget(key, "workflow_datetime"));
    redis().zadd(QueueKeys.PENDING, priority * 1e15 - Math.floor(started / 1000.0) - retries, stepId);
    redis().hdel(QueueKeys.activeJobs(workerId), stepId);
  }

  /** Retries exhausted: failed for good, announced with {@code can_retry:false}. */
  public void failPermanently(String stepId, String error) {
    String now = Instant.now().toString();
    String key = QueueKeys.job(stepId);
    redis().hset(key, java.util.Map.of("status", "failed", "failed_at", now));
    String retries = Optional.ofNullable(redis().hget(key, "retry_count")).orElse("0");
    ObjectNode stored = json.createObjectNode();
    stored.put("error", error);
    stored.put("failed_at", now);
    stored.put("retry_count", Integer.parseInt(retries));
    redis().hset(QueueKeys.FAILED, stepId, json.writeValueAsString(stored));
    ObjectNode message = message(stepId);
    message.put("status", "failed");
    message.put("error", error);
    message.put("failed_at", now);
    message.put("retry_count", Integer.parseInt(retries));
    message.put("can_retry", false);
    publish(QueueKeys.CHANNEL_FAILED, message);
  }

  public void heartbeat() {
    redis().setex(QueueKeys.heartbeat(workerId), 60, Instant.now().toString());
  }

  /** Dies silently: the heartbeat key disappears (as it would 60 s after the last refresh). */
  public void die() {
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
    redis().publish(channel, json.writeValueAsString(message));
  }

  private RedisCommands<String, String> redis() {
    return connection.sync();
  }

  private static String load(String resource) {
    try (InputStream in = WorkerSimulator.class.getResourceAsStream(resource)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    connection.close();
  }
}
