package io.emprops.collections.domain.instructions;

import io.emprops.collections.domain.Violations;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/**
 * The rules of a v2 instruction set (API.md, "The instruction set"). Every problem is reported at
 * its JSON path under the name the client used for the instruction set ({@code data} or
 * {@code instruction_set}), e.g. {@code data.steps[1].nodePayload.init_image}.
 */
public final class InstructionSetValidator {

  public static final String VERSION = "v2";
  public static final int MAX_STEPS = 100;
  public static final int MAX_VARIABLES = 100;
  public static final int MAX_GENERATIONS = 100;
  public static final int MAX_PICK_OPTIONS = 1000;
  public static final Set<String> VARIABLE_TYPES = Set.of("text", "pick", "number", "boolean");
  static final int MAX_NODE_NAME_LENGTH = 200;
  static final int MAX_DESCRIPTION_LENGTH = 1000;
  private static final Pattern VARIABLE_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,63}");
  /** A generation's seed: 32 bytes in hex, as the generator draws them. */
  private static final Pattern HASH = Pattern.compile("0x[0-9a-fA-F]{64}");

  private InstructionSetValidator() {}

  public static void validate(JsonNode data, String path, Violations violations) {
    if (data == null || !data.isObject()) {
      violations.add(path, "must be an object");
      return;
    }
    if (!VERSION.equals(data.path("version").asString(null))) {
      violations.add(path + ".version", "must be \"" + VERSION + "\"");
    }
    validateSteps(data.get("steps"), path + ".steps", violations);
    validateGenerations(data.get("generations"), path + ".generations", violations);
    validateVariables(data.get("variables"), path + ".variables", violations);
  }

  /** Whether {@code hash} can be one of an instruction set's custom hashes. */
  public static boolean isHash(String hash) {
    return hash != null && HASH.matcher(hash).matches();
  }

  /** Whether {@code node} can be a step id: a whole, non-negative JSON number. */
  public static boolean isStepId(JsonNode node) {
    return node != null && node.isIntegralNumber() && node.canConvertToLong() && node.longValue() >= 0;
  }

  private static void validateSteps(JsonNode steps, String path, Violations violations) {
    if (steps == null || !steps.isArray()) {
      violations.add(path, "must be an array");
      return;
    }
    if (steps.size() > MAX_STEPS) {
      violations.add(path, "must have at most " + MAX_STEPS + " steps");
      return;
    }
    Map<Long, Integer> indexById = new LinkedHashMap<>();
    for (int i = 0; i < steps.size(); i++) {
      JsonNode step = steps.get(i);
      String stepPath = path + "[" + i + "]";
      if (!step.isObject()) {
        violations.add(stepPath, "must be an object");
        continue;
      }
      JsonNode id = step.get("id");
      if (!isStepId(id)) {
        violations.add(stepPath + ".id", "must be a non-negative whole number");
      } else {
        Integer first = indexById.putIfAbsent(id.longValue(), i);
        if (first != null) {
          violations.add(stepPath + ".id", "duplicates the id of steps[" + first + "]");
        }
      }
      JsonNode nodeName = step.get("nodeName");
      if (nodeName == null || !nodeName.isString() || nodeName.stringValue().isBlank()
          || nodeName.stringValue().length() > MAX_NODE_NAME_LENGTH) {
        violations.add(stepPath + ".nodeName", "must name a workflow (1 to " + MAX_NODE_NAME_LENGTH + " characters)");
      }
      JsonNode alias = step.get("alias");
      if (alias != null && !alias.isNull() && !alias.isString()) {
        violations.add(stepPath + ".alias", "must be a string");
      }
      JsonNode payload = step.get("nodePayload");
      if (payload == null || !payload.isObject()) {
        violations.add(stepPath + ".nodePayload", "must be an object");
      }
    }
    validateReferences(steps, path, indexById, violations);
  }

  /** Every {@code $ref} names an existing step, and following them never comes back to a step. */
  private static void validateReferences(
      JsonNode steps, String path, Map<Long, Integer> indexById, Violations violations) {
    Map<Integer, Set<Integer>> dependencies = new HashMap<>();
    for (int i = 0; i < steps.size(); i++) {
      JsonNode payload = steps.get(i).path("nodePayload");
      if (!payload.isObject()) {
        continue;
      }
      Set<Integer> targets = dependencies.computeIfAbsent(i, k -> new LinkedHashSet<>());
      StepReferences.forEach(payload, path + "[" + i + "].nodePayload", (refPath, reference) -> {
        JsonNode target = reference.get(StepReferences.KEY);
        Integer targetIndex = isStepId(target) ? indexById.get(target.longValue()) : null;
        if (!isStepId(target)) {
          violations.add(refPath, "\"$ref\" must be a step id");
        } else if (targetIndex == null) {
          violations.add(refPath, "refers to step " + target.longValue() + ", which does not exist");
        } else {
          targets.add(targetIndex);
        }
      });
    }
    new CycleFinder(steps, dependencies).cycles().forEach(cycle ->
        violations.add(path + "[" + cycle.getFirst() + "]", "is part of a dependency cycle: " + describe(steps, cycle)));
  }

  private static String describe(JsonNode steps, List<Integer> cycle) {
    StringBuilder text = new StringBuilder();
    for (int index : cycle) {
      text.append(steps.get(index).get("id").longValue()).append(" → ");
    }
    return text.append(steps.get(cycle.getFirst()).get("id").longValue()).toString();
  }

  /**
   * Depth-first search. A cycle is reported from the step at which the search entered it, and only
   * the first cycle through each such step: one error per tangle rather than one per path through it.
   */
  private static final class CycleFinder {
    private final JsonNode steps;
    private final Map<Integer, Set<Integer>> dependencies;
    private final Set<Integer> finished = new HashSet<>();
    private final List<Integer> trail = new ArrayList<>();
    private final Map<Integer, List<Integer>> cycleByEntry = new LinkedHashMap<>();

    CycleFinder(JsonNode steps, Map<Integer, Set<Integer>> dependencies) {
      this.steps = steps;
      this.dependencies = dependencies;
    }

    Collection<List<Integer>> cycles() {
      for (int i = 0; i < steps.size(); i++) {
        visit(i);
      }
      return cycleByEntry.values();
    }

    private void visit(int step) {
      if (finished.contains(step)) {
        return;
      }
      int onTrail = trail.indexOf(step);
      if (onTrail >= 0) {
        cycleByEntry.putIfAbsent(step, List.copyOf(trail.subList(onTrail, trail.size())));
        return;
      }
      trail.add(step);
      for (int dependency : dependencies.getOrDefault(step, Set.of())) {
        visit(dependency);
      }
      trail.removeLast();
      finished.add(step);
    }
  }

  private static void validateGenerations(JsonNode generations, String path, Violations violations) {
    if (generations == null || generations.isNull()) {
      return;
    }
    if (!generations.isObject()) {
      violations.add(path, "must be an object");
      return;
    }
    JsonNode count = generations.get("generations");
    boolean countValid = count != null && count.isIntegralNumber() && count.canConvertToInt()
        && count.intValue() >= 1 && count.intValue() <= MAX_GENERATIONS;
    if (!countValid) {
      violations.add(path + ".generations", "must be a whole number from 1 to " + MAX_GENERATIONS);
    }
    JsonNode custom = generations.get("use_custom_hashes");
    if (custom != null && !custom.isNull() && !custom.isBoolean()) {
      violations.add(path + ".use_custom_hashes", "must be true or false");
    }
    JsonNode hashes = generations.get("hashes");
    if (hashes == null || hashes.isNull()) {
      if (custom != null && custom.asBoolean(false)) {
        violations.add(path + ".hashes", "are required when use_custom_hashes is true");
      }
      return;
    }
    if (!hashes.isArray() || hashes.size() > MAX_GENERATIONS) {
      violations.add(path + ".hashes", "must be an array of at most " + MAX_GENERATIONS + " hashes");
      return;
    }
    for (int i = 0; i < hashes.size(); i++) {
      JsonNode hash = hashes.get(i);
      if (!hash.isString() || !isHash(hash.stringValue())) {
        violations.add(path + ".hashes[" + i + "]", "must be 0x followed by 64 hexadecimal digits");
      }
    }
    if (countValid && custom != null && custom.asBoolean(false) && hashes.size() != count.intValue()) {
      violations.add(path + ".hashes", "must hold one hash per generation (" + count.intValue() + ") when use_custom_hashes is true");
    }
  }

  private static void validateVariables(JsonNode variables, String path, Violations violations) {
    if (variables == null || variables.isNull()) {
      return;
    }
    if (!variables.isArray() || variables.size() > MAX_VARIABLES) {
      violations.add(path, "must be an array of at most " + MAX_VARIABLES + " variables");
      return;
    }
    Map<String, Integer> indexByName = new HashMap<>();
    for (int i = 0; i < variables.size(); i++) {
      JsonNode variable = variables.get(i);
      String variablePath = path + "[" + i + "]";
      if (!variable.isObject()) {
        violations.add(variablePath, "must be an object");
        continue;
      }
      String name = variable.path("name").asString(null);
      if (name == null || !variable.get("name").isString() || !VARIABLE_NAME.matcher(name).matches()) {
        violations.add(variablePath + ".name", "must start with a letter or _ and hold only letters, digits and _ (at most 64)");
      } else {
        Integer first = indexByName.putIfAbsent(name, i);
        if (first != null) {
          violations.add(variablePath + ".name", "duplicates the name of variables[" + first + "]");
        }
      }
      JsonNode type = variable.get("type");
      if (type == null || !type.isString() || !VARIABLE_TYPES.contains(type.stringValue())) {
        violations.add(variablePath + ".type", "must be one of: " + String.join(", ", VARIABLE_TYPES.stream().sorted().toList()));
      } else {
        validateValue(type.stringValue(), variable.get("value"), variablePath + ".value", violations);
      }
      JsonNode lock = variable.get("lock_value");
      if (lock != null && !lock.isNull() && !lock.isBoolean()) {
        violations.add(variablePath + ".lock_value", "must be true or false");
      }
      JsonNode description = variable.get("description");
      if (description != null && !description.isNull()
          && (!description.isString() || description.stringValue().length() > MAX_DESCRIPTION_LENGTH)) {
        violations.add(variablePath + ".description", "must be a string of at most " + MAX_DESCRIPTION_LENGTH + " characters");
      }
    }
  }

  private static void validateValue(String type, JsonNode value, String path, Violations violations) {
    boolean absent = value == null || value.isNull();
    switch (type) {
      case "text" -> {
        if (!absent && !value.isString()) {
          violations.add(path, "must be a string");
        }
      }
      case "number" -> {
        if (!absent && !value.isNumber()) {
          violations.add(path, "must be a number");
        }
      }
      case "boolean" -> {
        if (!absent && !value.isBoolean()) {
          violations.add(path, "must be true or false");
        }
      }
      case "pick" -> validatePick(value, path, violations);
      default -> throw new IllegalStateException("Unhandled variable type " + type);
    }
  }

  /** A pick draws one of {@code values} with probability proportional to its weight. */
  private static void validatePick(JsonNode pick, String path, Violations violations) {
    if (pick == null || !pick.isObject()) {
      violations.add(path, "must be an object with values and weights");
      return;
    }
    JsonNode values = pick.get("values");
    if (values == null || !values.isArray() || values.isEmpty() || values.size() > MAX_PICK_OPTIONS) {
      violations.add(path + ".values", "must be an array of 1 to " + MAX_PICK_OPTIONS + " values");
      return;
    }
    for (int i = 0; i < values.size(); i++) {
      if (!values.get(i).isString() && !values.get(i).isNumber()) {
        violations.add(path + ".values[" + i + "]", "must be a string or a number");
      }
    }
    JsonNode weights = pick.get("weights");
    if (weights == null || !weights.isArray() || weights.size() != values.size()) {
      violations.add(path + ".weights", "must be an array with one weight per value (" + values.size() + ")");
    } else {
      for (int i = 0; i < weights.size(); i++) {
        JsonNode weight = weights.get(i);
        if (!weight.isNumber() || !(weight.doubleValue() > 0) || Double.isInfinite(weight.doubleValue())) {
          violations.add(path + ".weights[" + i + "]", "must be a positive number");
        }
      }
    }
    JsonNode displayNames = pick.get("display_names");
    if (displayNames != null && !displayNames.isNull()) {
      if (!displayNames.isArray() || displayNames.size() != values.size()) {
        violations.add(path + ".display_names", "must be an array with one name per value (" + values.size() + ")");
      } else {
        for (int i = 0; i < displayNames.size(); i++) {
          if (!displayNames.get(i).isString()) {
            violations.add(path + ".display_names[" + i + "]", "must be a string");
          }
        }
      }
    }
  }
}
