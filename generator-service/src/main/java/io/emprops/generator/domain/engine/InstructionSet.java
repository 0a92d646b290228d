package io.emprops.generator.domain.engine;

import io.emprops.web.api.ApiException;
import io.emprops.web.api.ApiResponse.FieldError;
import io.emprops.web.api.ErrorCode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * A collection's instruction set ({@code data}, API.md "The instruction set"), read for execution:
 * the steps, how many generations, which hashes, and the variables.
 */
public record InstructionSet(List<Step> steps, int generations, List<String> hashes, boolean useCustomHashes,
    List<Variable> variables) {

  public static final int MAX_GENERATIONS = 100;

  /** @param payload the step's {@code nodePayload}, with {@code {{var}}} and {@code {"$ref": id}} */
  public record Step(int id, String nodeName, String alias, JsonNode payload) {}

  /**
   * @param type {@code pick}, {@code text} or {@code number}
   * @param value for {@code pick}: {@code {display_names, values, weights}}; otherwise the default
   */
  public record Variable(String name, String type, JsonNode value, boolean lockValue) {

    public List<String> pickValues() {
      List<String> values = new ArrayList<>();
      value.path("values").forEach(v -> values.add(v.isString() ? v.asString() : v.toString()));
      return values;
    }

    public List<Double> pickWeights() {
      List<Double> weights = new ArrayList<>();
      value.path("weights").forEach(w -> weights.add(w.asDouble()));
      return weights;
    }
  }

  /** Reads {@code data}; every structural problem is a 400 naming its path under {@code data}. */
  public static InstructionSet read(JsonNode data) {
    List<FieldError> errors = new ArrayList<>();
    if (data == null || !data.isObject()) {
      throw ApiException.invalid("data", "must be an instruction set object");
    }
    List<Step> steps = new ArrayList<>();
    JsonNode stepNodes = data.path("steps");
    if (!stepNodes.isArray() || stepNodes.isEmpty()) {
      errors.add(new FieldError("data.steps", "must list at least one step"));
    }
    Set<Integer> ids = new HashSet<>();
    for (int i = 0; stepNodes.isArray() && i < stepNodes.size(); i++) {
      JsonNode s = stepNodes.get(i);
      String path = "data.steps[" + i + "]";
      if (!s.path("id").isIntegralNumber()) {
        errors.add(new FieldError(path + ".id", "must be an integer"));
        continue;
      }
      int id = s.get("id").asInt();
      if (!ids.add(id)) {
        errors.add(new FieldError(path + ".id", "duplicate step id " + id));
      }
      if (!s.path("nodeName").isString() || s.get("nodeName").asString().isBlank()) {
        errors.add(new FieldError(path + ".nodeName", "must name a workflow"));
      }
      JsonNode payload = s.path("nodePayload");
      if (!payload.isObject()) {
        errors.add(new FieldError(path + ".nodePayload", "must be an object"));
      }
      steps.add(new Step(id, s.path("nodeName").asString(""), s.path("alias").asString(""), payload));
    }
    JsonNode gens = data.path("generations");
    int generations = gens.path("generations").asInt(1);
    if (generations < 1 || generations > MAX_GENERATIONS) {
      errors.add(new FieldError("data.generations.generations", "must be between 1 and " + MAX_GENERATIONS));
    }
    List<String> hashes = new ArrayList<>();
    gens.path("hashes").forEach(h -> hashes.add(h.asString("")));
    boolean custom = gens.path("use_custom_hashes").asBoolean(false);
    List<Variable> variables = new ArrayList<>();
    Set<String> names = new HashSet<>();
    JsonNode varNodes = data.path("variables");
    for (int i = 0; varNodes.isArray() && i < varNodes.size(); i++) {
      JsonNode v = varNodes.get(i);
      String path = "data.variables[" + i + "]";
      String name = v.path("name").asString("");
      String type = v.path("type").asString("text");
      if (!name.matches("[A-Za-z_][A-Za-z0-9_]{0,63}")) {
        errors.add(new FieldError(path + ".name", "must be an identifier"));
      } else if (!names.add(name)) {
        errors.add(new FieldError(path + ".name", "duplicate variable " + name));
      }
      Variable variable = new Variable(name, type, v.path("value"), v.path("lock_value").asBoolean(false));
      switch (type) {
        case "pick" -> {
          List<String> values = variable.pickValues();
          List<Double> weights = variable.pickWeights();
          if (values.isEmpty()) {
            errors.add(new FieldError(path + ".value.values", "a pick variable needs values"));
          } else if (!weights.isEmpty() && weights.size() != values.size()) {
            errors.add(new FieldError(path + ".value.weights", "needs one weight per value"));
          } else if (weights.stream().anyMatch(w -> !(w > 0))) {
            errors.add(new FieldError(path + ".value.weights", "must all be positive"));
          }
        }
        // The types collections-service accepts (InstructionSetValidator.VARIABLE_TYPES).
        case "text", "number", "boolean" -> { }
        default -> errors.add(new FieldError(path + ".type", "must be pick, text, number or boolean"));
      }
      variables.add(variable);
    }
    if (!errors.isEmpty()) {
      throw new ApiException(ErrorCode.VALIDATION_FAILED, "The collection's instruction set is invalid", errors);
    }
    return new InstructionSet(List.copyOf(steps), generations, List.copyOf(hashes), custom, List.copyOf(variables));
  }
}
