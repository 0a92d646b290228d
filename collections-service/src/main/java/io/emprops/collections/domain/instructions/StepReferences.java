package io.emprops.collections.domain.instructions;

import java.util.function.BiConsumer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Finds {@code {"$ref": stepId}} objects — "the output of that step" — anywhere in a step payload,
 * however deeply nested in objects and arrays.
 */
final class StepReferences {

  static final String KEY = "$ref";

  private StepReferences() {}

  /** Calls {@code action} with the path and node of each reference, depth first, in document order. */
  static void forEach(JsonNode node, String path, BiConsumer<String, ObjectNode> action) {
    if (node.isObject()) {
      if (node.has(KEY)) {
        action.accept(path, (ObjectNode) node);
        return;
      }
      for (var property : node.properties()) {
        forEach(property.getValue(), path + "." + property.getKey(), action);
      }
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        forEach(node.get(i), path + "[" + i + "]", action);
      }
    }
  }
}
