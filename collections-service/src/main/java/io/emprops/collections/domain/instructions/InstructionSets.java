package io.emprops.collections.domain.instructions;

import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/** Instruction sets as whole documents: the empty one, and what the public may see of one. */
public final class InstructionSets {

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private InstructionSets() {}

  /** A v2 instruction set with no steps, one generation and no variables. */
  public static ObjectNode empty() {
    ObjectNode data = NODES.objectNode();
    data.put("version", InstructionSetValidator.VERSION);
    data.putArray("steps");
    ObjectNode generations = data.putObject("generations");
    generations.put("generations", 1);
    generations.putArray("hashes");
    generations.put("use_custom_hashes", false);
    data.putArray("variables");
    return data;
  }

  /**
   * The variables a visitor of the feed can set, without their defaults or test values (those may
   * give away the creator's prompt).
   */
  public static List<PublicVariable> publicVariables(JsonNode data) {
    List<PublicVariable> variables = new ArrayList<>();
    for (JsonNode variable : data.path("variables")) {
      JsonNode description = variable.get("description");
      JsonNode options = "pick".equals(variable.path("type").asString(null))
          ? variable.path("value").path("values") : null;
      variables.add(new PublicVariable(
          variable.path("name").asString(null),
          variable.path("type").asString(null),
          description != null && description.isString() ? description.stringValue() : null,
          options != null && options.isArray() ? options : null));
    }
    return variables;
  }

  /** @param options the values a pick variable draws from; null for other types */
  public record PublicVariable(String name, String type, String description, JsonNode options) {}
}
