package io.emprops.generator.queue;

import io.emprops.jobqueue.ClaimedStep;
import io.emprops.jobqueue.QueueWorker;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * A worker of the EmProps Job Queue, in test code only (JOB-QUEUE.md, "Test double"): claims
 * atomically by service, reports progress, completes or fails (retryably or for good), heartbeats
 * or dies silently, ignores cancellation and can repeat its terminal message. What it writes is
 * what the development worker writes ({@link QueueWorker}); the misbehaviours are its own.
 */
public final class WorkerSimulator implements AutoCloseable {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final StatefulRedisConnection<String, String> connection;
  private final QueueWorker queue;
  private final String service;

  public WorkerSimulator(RedisClient client, String workerId, String service) {
    this.connection = client.connect();
    this.queue = new QueueWorker(connection, JSON, workerId);
    this.service = service;
  }

  public String workerId() {
    return queue.workerId();
  }

  /** Claims the best pending step of its service, announcing it as real workers do. */
  public Optional<String> claim() {
    Optional<ClaimedStep> step = queue.claim(service);
    step.ifPresent(queue::announceClaim);
    return step.map(ClaimedStep::stepId);
  }

  /** Claims like {@link #claim()}, but the announcements are lost (as over a subscriber's reconnect). */
  public Optional<String> claimUnannounced() {
    return queue.claim(service).map(ClaimedStep::stepId);
  }

  public void start(String stepId) {
    queue.start(stepId);
  }

  public void progress(String stepId, int percent, String text) {
    queue.progress(stepId, percent, text);
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
    ObjectNode result = result(data);
    Optional<JsonNode> stored = switch (nesting) {
      case REAL_WORKER -> Optional.of(result);
      case FLAT -> Optional.of(data);
      case MESSAGE_ONLY -> Optional.empty();
    };
    queue.complete(stepId, result, stored);
  }

  /** Sends the completion message again (duplicate or late delivery), changing nothing else. */
  public void publishCompletion(String stepId, JsonNode data) {
    queue.publishCompletion(stepId, result(data));
  }

  /** The connector's result as the worker reports it: {@code {success, data, processing_time_ms}}. */
  private ObjectNode result(JsonNode data) {
    return queue.connectorResult(data, 1);
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
    queue.failRetryably(stepId);
  }

  /** Retries exhausted: failed for good, announced with {@code can_retry:false}. */
  public void failPermanently(String stepId, String error) {
    queue.failPermanently(stepId, error);
  }

  public void heartbeat() {
    queue.heartbeat();
  }

  /** Dies silently: the heartbeat key disappears (as it would 60 s after the last refresh). */
  public void die() {
    queue.stopHeartbeat();
  }

  /**
   * Restarts under the same worker id, as a real worker does: whatever it held is gone (its
   * active set starts empty) and its heartbeat key is fresh, so a missing heartbeat cannot tell.
   */
  public void restart() {
    queue.forgetHeldSteps();
    queue.heartbeat();
  }

  /** Whether its active set holds the step. */
  public boolean holds(String stepId) {
    return queue.holds(stepId);
  }

  @Override
  public void close() {
    connection.close();
  }
}
