package io.emprops.collections.domain.instructions;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Dot-notation paths into a JSON document, as template overrides use them:
 * {@code title}, {@code data.steps.0.nodePayload.prompt}. Segments name object properties, or
 * array indices (0-based) inside arrays.
 */
public final class DotPaths {

  private DotPaths() {}

  /**
   * Replaces the value at {@code path}. Only paths that exist in the document can be set, so a
   * misspelt override is an error rather than a silently ignored new property.
   *
   * @return false (and nothing changed) when the path does not exist
   */
  public static boolean replace(ObjectNode document, String path, JsonNode value) {
    if (path.isEmpty() || path.startsWith(".") || path.endsWith(".") || path.contains("..")) {
      return false;
    }
    String[] segments = path.split("\\.");
    JsonNode container = document;
    for (int i = 0; i < segments.length - 1; i++) {
      container = child(container, segments[i]);
      if (container == null || !container.isContainer()) {
        return false;
      }
    }
    String last = segments[segments.length - 1];
    if (child(container, last) == null) {
      return false;
    }
    if (container instanceof ObjectNode object) {
      object.set(last, value);
    } else {
      ((ArrayNode) container).set(Integer.parseInt(last), value);
    }
    return true;
  }

  private static JsonNode child(JsonNode container, String segment) {
    if (container.isObject()) {
      return container.get(segment);
    }
    if (container.isArray() && segment.matches("0|[1-9][0-9]{0,8}")) {
      int index = Integer.parseInt(segment);
      return index < container.size() ? container.get(index) : null;
    }
    return null;
  }
}
