package io.emprops.generator.domain.engine;

import io.emprops.generator.domain.template.TemplateRenderer;
import io.emprops.web.api.ApiException;
import io.emprops.web.api.ApiResponse.FieldError;
import io.emprops.web.api.ErrorCode;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * What a generation job will run: per generation its hash and resolved variables, and the steps
 * in an order where every step comes after the steps it takes {@code $ref} outputs from.
 */
public record GenerationPlan(List<Generation> generations, List<InstructionSet.Step> stepOrder) {

  private static final SecureRandom RANDOM = new SecureRandom();

  /** One generation: its hash and every variable's value for it. */
  public record Generation(int index, String hash, Map<String, JsonNode> variables) {}

  /**
   * Plans a job from an instruction set and the caller's request.
   *
   * @param callerVariables the request's {@code variables} (may be null)
   * @param generationsOverride the request's {@code generations}, or null for the collection's
   * @param callerHashes the request's {@code hashes}, or null
   */
  public static GenerationPlan plan(InstructionSet set, JsonNode callerVariables, Integer generationsOverride,
      List<String> callerHashes) {
    List<FieldError> errors = new ArrayList<>();
    Map<String, JsonNode> given = new LinkedHashMap<>();
    if (callerVariables != null && !callerVariables.isNull()) {
      if (!callerVariables.isObject()) {
        throw ApiException.invalid("variables", "must be an object");
      }
      callerVariables.properties().forEach(e -> given.put(e.getKey(), e.getValue()));
    }
    Map<String, InstructionSet.Variable> byName = new LinkedHashMap<>();
    set.variables().forEach(v -> byName.put(v.name(), v));
    given.forEach((name, value) -> {
      InstructionSet.Variable variable = byName.get(name);
      if (variable == null) {
        errors.add(new FieldError("variables." + name, "is not a variable of this collection"));
      } else if (variable.lockValue()) {
        errors.add(new FieldError("variables." + name, "is locked by the collection's creator"));
      } else if (variable.type().equals("pick")) {
        List<String> values = variable.pickValues();
        if (!value.isString() || !values.contains(value.asString())) {
          errors.add(new FieldError("variables." + name, "must be one of: " + String.join(", ", values)));
        }
      } else if (variable.type().equals("number") && !value.isNumber()) {
        errors.add(new FieldError("variables." + name, "must be a number"));
      } else if (variable.type().equals("text") && !value.isString()) {
        errors.add(new FieldError("variables." + name, "must be a string"));
      } else if (variable.type().equals("boolean") && !value.isBoolean()) {
        errors.add(new FieldError("variables." + name, "must be true or false"));
      }
    });
    int count = generationsOverride == null ? set.generations() : generationsOverride;
    if (count < 1 || count > InstructionSet.MAX_GENERATIONS) {
      errors.add(new FieldError("generations", "must be between 1 and " + InstructionSet.MAX_GENERATIONS));
    }
    List<String> hashes = callerHashes != null && !callerHashes.isEmpty() ? callerHashes
        : set.useCustomHashes() ? set.hashes() : List.of();
    if (!hashes.isEmpty() && hashes.size() != count) {
      errors.add(new FieldError(callerHashes != null && !callerHashes.isEmpty() ? "hashes" : "data.generations.hashes",
          "must give one hash per generation (" + count + ")"));
    }
    for (int i = 0; i < hashes.size(); i++) {
      if (hashes.get(i) == null || !hashes.get(i).matches("[A-Za-z0-9]{8,128}")) {
        errors.add(new FieldError("hashes[" + i + "]", "must be 8-128 letters or digits"));
      }
    }
    List<InstructionSet.Step> order = dependencyOrder(set.steps(), errors);
    if (!errors.isEmpty()) {
      throw new ApiException(ErrorCode.VALIDATION_FAILED, "Validation failed", errors);
    }
    List<Generation> generations = new ArrayList<>();
    for (int g = 0; g < count; g++) {
      String hash = hashes.isEmpty() ? newHash() : hashes.get(g);
      Map<String, JsonNode> values = new LinkedHashMap<>();
      for (InstructionSet.Variable variable : set.variables()) {
        JsonNode chosen = variable.lockValue() ? null : given.get(variable.name());
        if (chosen == null && variable.type().equals("pick")) {
          chosen = JsonNodeFactory.instance.stringNode(
              HashSeededPicker.pick(hash, variable.name(), variable.pickValues(), variable.pickWeights()));
        }
        values.put(variable.name(), chosen != null ? chosen : variable.value());
      }
      generations.add(new Generation(g, hash, Map.copyOf(values)));
    }
    return new GenerationPlan(List.copyOf(generations), order);
  }

  /**
   * A step's payload for one generation: variables substituted, and every {@code {"$ref": id}}
   * replaced by that step's output in the same generation.
   */
  public static JsonNode payloadFor(InstructionSet.Step step, Generation generation, Map<Integer, JsonNode> outputs) {
    JsonNode rendered = TemplateRenderer.render(step.payload(), generation.variables()).document();
    return replaceRefs(rendered, outputs);
  }

  /** Replaces every {@code {"$ref": id}} in {@code node} by that step's output. */
  public static JsonNode replaceRefs(JsonNode node, Map<Integer, JsonNode> outputs) {
    Integer ref = refTarget(node);
    if (ref != null) {
      JsonNode output = outputs.get(ref);
      if (output == null) {
        throw new IllegalStateException("step " + ref + " has no output yet");
      }
      return output;
    }
    if (node.isObject()) {
      ObjectNode copy = JsonNodeFactory.instance.objectNode();
      node.properties().forEach(e -> copy.set(e.getKey(), replaceRefs(e.getValue(), outputs)));
      return copy;
    }
    if (node.isArray()) {
      ArrayNode copy = JsonNodeFactory.instance.arrayNode();
      node.forEach(e -> copy.add(replaceRefs(e, outputs)));
      return copy;
    }
    return node;
  }

  /** The step a {@code {"$ref": id}} object points at, or null when the node is not a reference. */
  static Integer refTarget(JsonNode node) {
    return node.isObject() && node.size() == 1 && node.path("$ref").isIntegralNumber() ? node.get("$ref").asInt() : null;
  }

  /** Kahn's algorithm, stable by declaration order; a cycle or a dangling $ref is reported. */
  static List<InstructionSet.Step> dependencyOrder(List<InstructionSet.Step> steps, List<FieldError> errors) {
    Map<Integer, InstructionSet.Step> byId = new LinkedHashMap<>();
    steps.forEach(s -> byId.put(s.id(), s));
    Map<Integer, Set<Integer>> needs = new TreeMap<>();
    for (int i = 0; i < steps.size(); i++) {
      InstructionSet.Step step = steps.get(i);
      Set<Integer> refs = new java.util.LinkedHashSet<>();
      collectRefs(step.payload(), refs);
      for (Integer ref : refs) {
        if (!byId.containsKey(ref)) {
          errors.add(new FieldError("data.steps[" + i + "].nodePayload", "refers to step " + ref + ", which does not exist"));
        } else if (ref == step.id()) {
          errors.add(new FieldError("data.steps[" + i + "].nodePayload", "refers to its own output"));
        }
      }
      refs.removeIf(r -> !byId.containsKey(r) || r == step.id());
      needs.put(step.id(), refs);
    }
    List<InstructionSet.Step> order = new ArrayList<>();
    Set<Integer> done = new java.util.HashSet<>();
    ArrayDeque<InstructionSet.Step> remaining = new ArrayDeque<>(steps);
    boolean progressed = true;
    while (!remaining.isEmpty() && progressed) {
      progressed = false;
      for (var it = remaining.iterator(); it.hasNext(); ) {
        InstructionSet.Step step = it.next();
        if (done.containsAll(needs.get(step.id()))) {
          order.add(step);
          done.add(step.id());
          it.remove();
          progressed = true;
        }
      }
    }
    if (!remaining.isEmpty()) {
      errors.add(new FieldError("data.steps", "the $ref dependencies form a cycle through steps "
          + remaining.stream().map(s -> Integer.toString(s.id())).toList()));
    }
    return List.copyOf(order);
  }

  /** The step ids {@code node} takes outputs from. */
  public static Set<Integer> refsIn(JsonNode node) {
    Set<Integer> refs = new java.util.TreeSet<>();
    collectRefs(node, refs);
    return refs;
  }

  private static void collectRefs(JsonNode node, Set<Integer> refs) {
    Integer ref = refTarget(node);
    if (ref != null) {
      refs.add(ref);
    } else if (node.isObject() || node.isArray()) {
      node.forEach(child -> collectRefs(child, refs));
    }
  }

  /** {@code 0x} and 64 hex digits, the form collections-service validates for custom hashes. */
  private static String newHash() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return "0x" + HexFormat.of().formatHex(bytes);
  }
}
