package io.emprops.generator.domain.execution;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** The small rules JobExecution's parts apply to a step: its derived seed and its outputs' file names. */
class StepRulesTest {

  private final JsonMapper json = JsonMapper.builder().build();

  @Test
  void aStepWithoutASeedGetsOneDerivedFromItsGenerationsHash() {
    ObjectNode inputs = json.createObjectNode().put("prompt", "a cat");

    JsonNode seeded = DerivedSeeds.withDerivedSeed(inputs, "0xabc");

    assertThat(seeded.get("seed").asLong()).isBetween(0L, 0xFFFFFFFFL);
    assertThat(DerivedSeeds.withDerivedSeed(inputs, "0xabc")).as("the same hash, the same seed").isEqualTo(seeded);
    assertThat(DerivedSeeds.withDerivedSeed(inputs, "0xdef").get("seed")).isNotEqualTo(seeded.get("seed"));
    assertThat(inputs.has("seed")).as("the inputs are not changed").isFalse();
  }

  @Test
  void aSeedOfTheStepsOwnOrNoHashLeavesItsInputsAsTheyAre() {
    ObjectNode own = json.createObjectNode().put("seed", 7);

    assertThat(DerivedSeeds.withDerivedSeed(own, "0xabc")).isSameAs(own);
    ObjectNode unseeded = json.createObjectNode();
    assertThat(DerivedSeeds.withDerivedSeed(unseeded, null)).isSameAs(unseeded);
    assertThat(DerivedSeeds.withDerivedSeed(unseeded, "")).isSameAs(unseeded);
  }

  @Test
  void outputsAreNamedAfterTheirStepAndTheirMimeType() {
    assertThat(OutputFileNames.of(2, 0, "image/png")).isEqualTo("step-2.png");
    assertThat(OutputFileNames.of(2, 1, "image/jpeg")).isEqualTo("step-2-1.jpg");
    assertThat(OutputFileNames.of(3, 0, "video/mp4")).isEqualTo("step-3.mp4");
    assertThat(OutputFileNames.of(3, 0, "application/x-unknown")).isEqualTo("step-3.bin");
    assertThat(OutputFileNames.of(3, 0, null)).isEqualTo("step-3.bin");
  }
}
