package io.emprops.collections.domain.instructions;

import static io.emprops.collections.domain.instructions.InstructionSetsFixtures.parse;
import static io.emprops.collections.domain.instructions.InstructionSetsFixtures.threeSteps;
import static org.assertj.core.api.Assertions.assertThat;

import io.emprops.collections.domain.Violations;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

class InstructionSetsTest {

  private static final String HASH = "0x" + "ab".repeat(32);

  @Test
  void aReproducingCopyRunsOneGenerationWithTheHashAndTheValuesUsed() {
    ObjectNode source = threeSteps();
    ObjectNode copy = InstructionSets.reproducing(source, HASH, parse("{'style': 'b', 'subject': 'a sailor'}"));

    assertThat(copy.get("generations")).isEqualTo(parse("{'generations': 1, 'hashes': ['" + HASH + "'], 'use_custom_hashes': true}"));
    assertThat(copy.at("/variables/0")).isEqualTo(parse("""
        {'name': 'style', 'type': 'pick', 'value': {'display_names': ['B'], 'values': ['b'], 'weights': [1]},
         'lock_value': false, 'test_value': 'b'}"""));
    assertThat(copy.at("/variables/1")).isEqualTo(parse(
        "{'name': 'subject', 'type': 'text', 'value': 'a sailor', 'description': 'Who is portrayed'}"));
    assertThat(copy.get("steps")).isEqualTo(source.get("steps"));
    assertThat(source).as("the source is not changed").isEqualTo(threeSteps());
    assertValid(copy);
  }

  @Test
  void aPickedNumberKeepsItsTypeAndValuesTheDefinitionCannotTakeAreLeftOut() {
    ObjectNode source = parse("""
        {'version': 'v2', 'steps': [],
         'variables': [{'name': 'size', 'type': 'pick', 'value': {'values': [512, 1024], 'weights': [1, 1]}},
                       {'name': 'count', 'type': 'number', 'value': 3},
                       {'name': 'mood', 'type': 'pick', 'value': {'values': ['calm'], 'weights': [1]}},
                       {'name': 'unused', 'type': 'text', 'value': 'kept'}]}""");
    // The generator records picks as text; 'count' changed type since the generation ran; 'gone'
    // is no longer defined; 'mood' had an option that the collection has dropped since.
    ObjectNode copy = InstructionSets.reproducing(source, HASH,
        parse("{'size': '1024', 'count': 'three', 'mood': 'wild', 'gone': 'x'}"));

    assertThat(copy.at("/variables/0/value")).isEqualTo(parse("{'values': [1024], 'weights': [1]}"));
    assertThat(copy.at("/variables/1/value").intValue()).isEqualTo(3);
    assertThat(copy.at("/variables/2/value")).isEqualTo(parse("{'values': ['wild'], 'weights': [1]}"));
    assertThat(copy.at("/variables/3/value").asString()).isEqualTo("kept");
    assertThat(copy.get("variables").size()).isEqualTo(4);
    assertValid(copy);
  }

  private static void assertValid(ObjectNode data) {
    Violations violations = new Violations();
    InstructionSetValidator.validate(data, "data", violations);
    assertThat(violations.isEmpty()).as(violations.list().toString()).isTrue();
  }
}
