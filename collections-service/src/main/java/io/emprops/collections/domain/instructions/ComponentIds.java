package io.emprops.collections.domain.instructions;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Gives the steps of an instruction set their component ids. A step that gets a new id keeps the
 * old one as {@code fromId}, and every {@code {"$ref": oldId}} in any step payload is rewritten to
 * the new id, so the workflow graph stays the same.
 */
public final class ComponentIds {

  public static final String FROM_ID = "fromId";

  private ComponentIds() {}

  /** The step ids of a validated instruction set, in step order. */
  public static List<Long> stepIds(JsonNode data) {
    List<Long> ids = new ArrayList<>();
    data.path("steps").forEach(step -> ids.add(step.get("id").longValue()));
    return ids;
  }

  /**
   * Renumbers the steps of a validated instruction set in place. Steps whose id is not a key of
   * {@code newIdByOldId} keep their id (and their fromId). Each reference is looked up once, so an
   * old id that equals another step's new id is still rewritten correctly.
   */
  public static void renumber(ObjectNode data, Map<Long, Long> newIdByOldId) {
    for (JsonNode step : data.path("steps")) {
      ObjectNode stepObject = (ObjectNode) step;
      long oldId = stepObject.get("id").longValue();
      Long newId = newIdByOldId.get(oldId);
      if (newId != null) {
        stepObject.put("id", newId);
        stepObject.put(FROM_ID, oldId);
      }
      StepReferences.forEach(stepObject.path("nodePayload"), "", (path, reference) -> {
        Long target = newIdByOldId.get(reference.get(StepReferences.KEY).longValue());
        if (target != null) {
          reference.put(StepReferences.KEY, target);
        }
      });
    }
  }

  /** The component rows of a renumbered instruction set. */
  public static List<StepComponent> components(JsonNode data) {
    List<StepComponent> components = new ArrayList<>();
    JsonNode steps = data.path("steps");
    for (int i = 0; i < steps.size(); i++) {
      JsonNode step = steps.get(i);
      JsonNode fromId = step.get(FROM_ID);
      JsonNode alias = step.get("alias");
      components.add(new StepComponent(
          step.get("id").longValue(),
          fromId != null && fromId.isIntegralNumber() ? fromId.longValue() : null,
          i,
          step.get("nodeName").stringValue(),
          alias != null && alias.isString() ? alias.stringValue() : null));
    }
    return components;
  }

  /** One workflow step as stored in the components table. */
  public record StepComponent(long id, Long fromId, int stepIndex, String nodeName, String alias) {}
}
