package io.emprops.collections.domain.instructions;

import static io.emprops.collections.domain.instructions.InstructionSetsFixtures.threeSteps;
import static org.assertj.core.api.Assertions.assertThat;

import io.emprops.collections.domain.instructions.ComponentIds.StepComponent;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

class ComponentIdsTest {

  @Test
  void everyReferenceIsRewrittenWhereverItIsNested() {
    ObjectNode data = threeSteps();
    ComponentIds.renumber(data, Map.of(1L, 101L, 2L, 102L, 3L, 103L));

    assertThat(data.at("/steps/0/id").longValue()).isEqualTo(101);
    assertThat(data.at("/steps/0/fromId").longValue()).isEqualTo(1);
    assertThat(data.at("/steps/1/nodePayload/image/$ref").longValue()).isEqualTo(101);
    assertThat(data.at("/steps/1/nodePayload/options/layers/0/source/$ref").longValue()).isEqualTo(101);
    assertThat(data.at("/steps/1/nodePayload/options/layers/1/mask/$ref").longValue()).isEqualTo(101);
    assertThat(data.at("/steps/1/nodePayload/options/layers/1/mask/channel").asString()).isEqualTo("alpha");
    assertThat(data.at("/steps/2/nodePayload/inputs/0/$ref").longValue()).isEqualTo(101);
    assertThat(data.at("/steps/2/nodePayload/inputs/1/0/$ref").longValue()).isEqualTo(102);
    assertThat(data.at("/steps/2/fromId").longValue()).isEqualTo(3);
  }

  @Test
  void anOldIdEqualToAnotherStepsNewIdStillPointsToItsOwnStep() {
    ObjectNode data = threeSteps();
    // Step 1 becomes 2 while step 2 becomes 1: a second pass over references would undo the first.
    ComponentIds.renumber(data, Map.of(1L, 2L, 2L, 1L, 3L, 3L));

    assertThat(data.at("/steps/1/nodePayload/image/$ref").longValue()).isEqualTo(2);
    assertThat(data.at("/steps/2/nodePayload/inputs/1/0/$ref").longValue()).isEqualTo(1);
  }

  @Test
  void stepsMissingFromTheMapKeepTheirIdsAndReferences() {
    ObjectNode data = threeSteps();
    ComponentIds.renumber(data, Map.of(3L, 30L));

    assertThat(data.at("/steps/0/id").longValue()).isEqualTo(1);
    assertThat(data.at("/steps/0").has(ComponentIds.FROM_ID)).isFalse();
    assertThat(data.at("/steps/2/nodePayload/inputs/0/$ref").longValue()).isEqualTo(1);
    assertThat(ComponentIds.components(data)).containsExactly(
        new StepComponent(1, null, 0, "stable-diffusion-xl", "Main"),
        new StepComponent(2, null, 1, "upscaler", null),
        new StepComponent(30, 3L, 2, "compose", null));
  }
}
