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
   * A copy of {@code data} that reproduces one generation that ran it: one generation with the
   * generation's hash as its custom hash, and every variable's value the one it had then.
   *
   * <p>A {@code pick} variable's {@code value} is its set of options, not a value, and the generator
   * draws from them by hash unless the caller names one. So the used value becomes the only option
   * (weight 1, with its display name when it has one): it stays a pick, which the editor and the feed
   * show as such; any hash draws that value, also in generations added later; and a caller naming
   * another option is rejected. {@code lock_value} is kept as the creator set it: the copy's defaults
   * reproduce the generation, and whoever runs it may still override what the creator left open
   * (a narrowed pick leaves nothing to override). A {@code test_value} of a narrowed pick follows.
   *
   * <p>Variables defined in {@code data} keep their definition when the generation had no value for
   * them, or a value their type no longer takes (the collection was edited since); values of
   * variables it no longer defines are dropped.
   *
   * @param data a valid instruction set (the source collection's)
   * @param usedValues the generation's value of each variable, by name
   */
  public static ObjectNode reproducing(ObjectNode data, String hash, JsonNode usedValues) {
    ObjectNode copy = data.deepCopy();
    ObjectNode generations = copy.putObject("generations");
    generations.put("generations", 1);
    generations.putArray("hashes").add(hash);
    generations.put("use_custom_hashes", true);
    for (JsonNode node : copy.path("variables")) {
      ObjectNode variable = (ObjectNode) node;
      JsonNode used = usedValues.get(variable.path("name").asString(""));
      if (used == null || used.isNull()) {
        continue;
      }
      switch (variable.path("type").asString("")) {
        case "pick" -> {
          if (used.isString() || used.isNumber()) {
            pinPick(variable, used);
          }
        }
        case "text" -> setIf(used.isString(), variable, used);
        case "number" -> setIf(used.isNumber(), variable, used);
        case "boolean" -> setIf(used.isBoolean(), variable, used);
        default -> { }
      }
    }
    return copy;
  }

  private static void setIf(boolean fits, ObjectNode variable, JsonNode used) {
    if (fits) {
      variable.set("value", used.deepCopy());
    }
  }

  /** Narrows a pick to the option that was used (see {@link #reproducing}). */
  private static void pinPick(ObjectNode variable, JsonNode used) {
    JsonNode options = variable.path("value");
    JsonNode values = options.path("values");
    int index = -1;
    for (int i = 0; i < values.size(); i++) {
      // The generator draws and records an option by its text (a number option 2 as "2").
      if (textOf(values.get(i)).equals(textOf(used))) {
        index = i;
        break;
      }
    }
    JsonNode value = index >= 0 ? values.get(index) : used;
    ObjectNode pinned = NODES.objectNode();
    JsonNode displayNames = options.path("display_names");
    if (index >= 0 && displayNames.isArray()) {
      pinned.putArray("display_names").add(displayNames.get(index));
    }
    pinned.putArray("values").add(value);
    pinned.putArray("weights").add(1);
    variable.set("value", pinned);
    if (variable.has("test_value")) {
      variable.set("test_value", value);
    }
  }

  private static String textOf(JsonNode value) {
    return value.isString() ? value.stringValue() : value.toString();
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
