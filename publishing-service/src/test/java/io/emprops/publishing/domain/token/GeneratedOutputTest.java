package io.emprops.publishing.domain.token;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Which output of a token's generation is its image. */
class GeneratedOutputTest {

  @Test
  void theImageOfTheHighestStepIsTheTokensImage() {
    GeneratedOutput last = output(0, 3, "image/webp");
    assertThat(GeneratedOutput.imageOf(List.of(output(0, 1, "image/png"), last, output(0, 2, "image/png"))))
        .contains(last);
  }

  @Test
  void stepsWithoutAnImageArePassedOverWhileAnyImageExists() {
    GeneratedOutput image = output(0, 2, "image/png");
    assertThat(GeneratedOutput.imageOf(List.of(output(0, 1, "image/png"), image, output(0, 3, "video/mp4"),
        output(0, 4, null)))).contains(image);
  }

  @Test
  void ofSeveralFilesOfTheLastStepTheFirstIsTaken_ofSeveralGenerationsTheFirst() {
    GeneratedOutput first = output(0, 2, "image/png");
    assertThat(GeneratedOutput.imageOf(List.of(output(1, 2, "image/png"), first, output(0, 2, "image/jpeg"))))
        .contains(first);
  }

  @Test
  void withoutAnyImageTheSameRuleChoosesAmongAllOutputs_withoutOutputsThereIsNone() {
    GeneratedOutput video = output(0, 2, "video/mp4");
    assertThat(GeneratedOutput.imageOf(List.of(output(0, 1, "text/plain"), video))).contains(video);
    assertThat(GeneratedOutput.imageOf(List.of())).isEmpty();
  }

  private static GeneratedOutput output(int generation, int stepId, String mimeType) {
    return new GeneratedOutput(generation, stepId, UUID.randomUUID(), "https://cdn.emprops.test/" + UUID.randomUUID(),
        mimeType);
  }
}
