package io.emprops.generator.queue;

import io.emprops.jobqueue.QueueKeys;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A message of one of the four channels a client follows. Messages are hints: they can be lost,
 * duplicated or late, so whoever acts on them confirms terminality from {@link StepState}.
 */
public sealed interface QueueEvent {

  String stepId();

  record Claimed(String stepId, String workerId) implements QueueEvent {}

  record Progress(String stepId, String workerId, int progress, String message) implements QueueEvent {}

  /** @param result the worker's {@code result} object ({@code success}, {@code data}, …) */
  record Completed(String stepId, String workerId, JsonNode result) implements QueueEvent {}

  /**
   * @param canRetry {@code Optional.of(false)} only on the permanent path; some worker builds send
   *     this message without it on every (retryable) failure
   */
  record Failed(String stepId, String workerId, String error, Optional<Boolean> canRetry) implements QueueEvent {

    public boolean isPermanent() {
      return canRetry.equals(Optional.of(false));
    }
  }

  /**
   * Parses a message of {@code channel}.
   *
   * @return empty for other channels and for messages without a {@code job_id}
   */
  static Optional<QueueEvent> parse(JsonMapper json, String channel, String message) {
    JsonNode node;
    try {
      node = json.readTree(message);
    } catch (RuntimeException e) {
      return Optional.empty();
    }
    String stepId = text(node, "job_id");
    if (stepId.isEmpty()) {
      return Optional.empty();
    }
    String worker = text(node, "worker_id");
    return Optional.ofNullable(switch (channel) {
      case QueueKeys.CHANNEL_CLAIMED -> new Claimed(stepId, worker);
      case QueueKeys.CHANNEL_PROGRESS -> new Progress(stepId, worker,
          (int) Math.round(node.path("progress").asDouble(0)), text(node, "message"));
      case QueueKeys.CHANNEL_COMPLETED -> new Completed(stepId, worker, node.path("result"));
      case QueueKeys.CHANNEL_FAILED -> new Failed(stepId, worker, errorText(node.get("error")),
          node.hasNonNull("can_retry") ? Optional.of(node.get("can_retry").asBoolean()) : Optional.empty());
      default -> null;
    });
  }

  /** {@code error} may be a string, a JSON string of an object, or an object. */
  private static String errorText(JsonNode error) {
    if (error == null || error.isNull()) {
      return "";
    }
    return error.isString() ? error.asString() : error.toString();
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = node.get(field);
    return value == null || value.isNull() ? "" : value.asString();
  }
}
