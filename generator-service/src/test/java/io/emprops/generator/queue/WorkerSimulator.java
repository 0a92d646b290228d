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
import tools.jackson.databind.JsonNode;
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
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private final JsonMapper json = JSON;
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

  /**
   * How a worker's result is nested (JOB-QUEUE.md, "Facts observed with the real queue").
   */
  public enum Nesting {
    /**
     * As real workers do: {@code jobs:completed} holds {@code {success, data: {success, data: <data>,
     * processing_time_ms}, completed_at}}, the message's {@code result} is {@code {success, data:
     * <data>, processing_time_ms}}.
     */
    REAL_WORKER,
    /** One level in the hash as in the message: {@code {success, data: <data>}} (the protocol's first description). */
    FLAT,
    /** Nothing in {@code jobs:completed} (its entry expired, or a worker build that does not store it): the message only. */
    MESSAGE_ONLY
  }

  /** Completes with {@code data} as the connector's result (e.g. {@code {"image_url": …}}), nested as real workers nest it. */
  public void complete(String stepId, JsonNode data) {
    complete(stepId, data, Nesting.REAL_WORKER);
  }

  public void complete(String stepId, JsonNode data, Nesting nesting) {
    String now = Instant.now().toString();
    redis().hset(QueueKeys.job(stepId), java.util.Map.of("status", "completed", "completed_at", now));
    ObjectNode connectorResult = result(data);
    if (nesting != Nesting.MESSAGE_ONLY) {
      ObjectNode stored = json.createObjectNode();
      stored.put("success", true);
      stored.set("data", nesting == Nesting.REAL_WORKER ? connectorResult : data);
      stored.put("completed_at", now);
      redis().hset(QueueKeys.COMPLETED, stepId, json.writeValueAsString(stored));
    }
    redis().hdel(QueueKeys.activeJobs(workerId), stepId);
    publishCompletion(stepId, data);
  }

  /** Sends the completion message again (duplicate or late delivery), changing nothing else. */
  public void publishCompletion(String stepId, JsonNode data) {
    ObjectNode message = message(stepId);
    message.put("progress", 100);
    message.put("status", "completed");
    message.put("message", "done");
    message.set("result", result(data));
    publish(QueueKeys.CHANNEL_COMPLETED, message);
  }

  /** The connector's result as the worker reports it: {@code {success, data, processing_time_ms}}. */
  private ObjectNode result(JsonNode data) {
    ObjectNode result = json.createObjectNode();
    result.put("success", true);
    result.set("data", data);
    result.put("processing_time_ms", 1);
    return result;
  }

  // --- connector results, as real connectors shape them --------------------------------------

  /** An image connector: the stored file's URL and its type. */
  public static ObjectNode imageUrl(String url, String mimeType) {
    ObjectNode data = JSON.createObjectNode();
    data.put("image_url", url);
    data.put("mime_type", mimeType);
    return data;
  }

  /** The mock connector: a {@code mock_url} and no image. */
  public static ObjectNode mockConnector(String mockUrl) {
    ObjectNode data = JSON.createObjectNode();
    data.put("mock_url", mockUrl);
    data.put("message", "Mock job completed");
    data.put("processing_time", 1);
    return data;
  }

  /** An image inline, base64-encoded (as the development worker returns it). */
  public static ObjectNode inlineImage(byte[] bytes, String mimeType) {
    ObjectNode data = JSON.createObjectNode();
    data.put("image_base64", java.util.Base64.getEncoder().encodeToString(bytes));
    if (mimeType != null) {
      data.put("mime_type", mimeType);
    }
    return data;
  }

  /** Several images of one step, as a list of objects. */
  public static ObjectNode imageList(String... urls) {
    ObjectNode data = JSON.createObjectNode();
    var images = data.putArray("images");
    for (String url : urls) {
      images.addObject().put("url", url).put("mime_type", "image/png");
    }
    return data;
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

  /**
   * Restarts under the same worker id, as a real worker does: whatever it held is gone (its
   * active set starts empty) and its heartbeat key is fresh, so a missing heartbeat cannot tell.
   */
  public void restart() {
    redis().del(QueueKeys.activeJobs(workerId));
    heartbeat();
  }

  /** Whether its active set holds the step. */
  public boolean holds(String stepId) {
    return redis().hexists(QueueKeys.activeJobs(workerId), stepId);
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
