package io.emprops.collections.domain.instructions;

import static io.emprops.collections.domain.instructions.InstructionSetsFixtures.threeSteps;
import static org.assertj.core.api.Assertions.assertThat;

import io.emprops.collections.domain.Violations;
import io.emprops.web.api.ApiResponse.FieldError;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

class InstructionSetValidatorTest {

  @Test
  void aWellFormedInstructionSetPasses() {
    assertThat(errors(threeSteps())).isEmpty();
    assertThat(errors(InstructionSets.empty())).isEmpty();
  }

  @Test
  void theVersionMustBeV2() {
    ObjectNode data = threeSteps().put("version", "v1");
    assertThat(errors(data)).extracting(FieldError::field).containsExactly("data.version");
  }

  @Test
  void stepIdsMustBeUniqueNonNegativeIntegers() {
    ObjectNode data = threeSteps();
    step(data, 1).put("id", 1);
    step(data, 2).put("id", 1.5);
    assertThat(errors(data)).extracting(FieldError::field)
        .contains("data.steps[1].id", "data.steps[2].id");
    assertThat(errors(data).getFirst().message()).isEqualTo("duplicates the id of steps[0]");
  }

  @Test
  void aDanglingReferenceIsReportedAtItsPathEvenDeepInArrays() {
    ObjectNode data = threeSteps();
    ((ObjectNode) step(data, 1).at("/nodePayload/options/layers/1/mask")).put("$ref", 7);
    ((ObjectNode) step(data, 2).at("/nodePayload/inputs/1/0")).put("$ref", "two");

    assertThat(errors(data)).containsExactly(
        new FieldError("data.steps[1].nodePayload.options.layers[1].mask", "refers to step 7, which does not exist"),
        new FieldError("data.steps[2].nodePayload.inputs[1][0]", "\"$ref\" must be a step id"));
  }

  @Test
  void aCycleIsReportedNamingItsSteps() {
    ObjectNode data = threeSteps();
    ((ObjectNode) step(data, 0).get("nodePayload")).putObject("init_image").put("$ref", 3);

    List<FieldError> errors = errors(data);
    assertThat(errors).hasSize(1);
    assertThat(errors.getFirst().field()).isEqualTo("data.steps[0]");
    assertThat(errors.getFirst().message()).isEqualTo("is part of a dependency cycle: 1 → 3 → 1");
  }

  @Test
  void aStepReferringToItselfIsACycle() {
    ObjectNode data = threeSteps();
    ((ObjectNode) step(data, 1).get("nodePayload")).putObject("again").put("$ref", 2);
    assertThat(errors(data)).extracting(FieldError::field).containsExactly("data.steps[1]");
  }

  @Test
  void stepsNeedAWorkflowNameAndAPayloadObject() {
    ObjectNode data = threeSteps();
    step(data, 0).remove("nodeName");
    step(data, 1).put("nodePayload", "none");
    assertThat(errors(data)).extracting(FieldError::field)
        .contains("data.steps[0].nodeName", "data.steps[1].nodePayload");
  }

  @Test
  void pickVariablesNeedOnePositiveWeightPerValue() {
    ObjectNode data = threeSteps();
    ObjectNode pick = (ObjectNode) data.at("/variables/0/value");
    pick.putArray("weights").add(1).add(0);
    pick.putArray("display_names").add("only one");
    assertThat(errors(data)).extracting(FieldError::field)
        .containsExactly("data.variables[0].value.weights[1]", "data.variables[0].value.display_names");

    pick.putArray("weights").add(1);
    pick.remove("display_names");
    assertThat(errors(data)).extracting(FieldError::field).containsExactly("data.variables[0].value.weights");
  }

  @Test
  void variableNamesAreUniqueAndTypesKnown() {
    ObjectNode data = threeSteps();
    ((ObjectNode) data.at("/variables/1")).put("name", "style");
    ((ObjectNode) data.withArray("variables").addObject()).put("name", "mood").put("type", "colour");
    assertThat(errors(data)).extracting(FieldError::field)
        .containsExactly("data.variables[1].name", "data.variables[2].type");
  }

  @Test
  void generationsAreBoundedAndHashesWellFormed() {
    ObjectNode data = threeSteps();
    ObjectNode generations = (ObjectNode) data.get("generations");
    generations.put("generations", 101);
    generations.putArray("hashes").add("0x" + "ab".repeat(32)).add("not-a-hash");
    assertThat(errors(data)).extracting(FieldError::field)
        .containsExactly("data.generations.generations", "data.generations.hashes[1]");

    generations.put("generations", 3).put("use_custom_hashes", true);
    generations.putArray("hashes").add("0x" + "ab".repeat(32));
    assertThat(errors(data)).extracting(FieldError::field).containsExactly("data.generations.hashes");
  }

  @Test
  void errorsAreNamedUnderTheFieldTheClientUsed() {
    ObjectNode data = threeSteps().put("version", "v3");
    Violations violations = new Violations();
    InstructionSetValidator.validate(data, "instruction_set", violations);
    assertThat(violations.list()).extracting(FieldError::field).containsExactly("instruction_set.version");
    assertThat(errors(InstructionSetsFixtures.JSON.readTree("[1]"))).extracting(FieldError::field).containsExactly("data");
  }

  private static ObjectNode step(ObjectNode data, int index) {
    return (ObjectNode) ((ArrayNode) data.get("steps")).get(index);
  }

  private static List<FieldError> errors(JsonNode data) {
    Violations violations = new Violations();
    InstructionSetValidator.validate(data, "data", violations);
    return violations.list();
  }
}
