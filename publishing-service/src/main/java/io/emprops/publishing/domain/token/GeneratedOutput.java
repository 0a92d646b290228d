package io.emprops.publishing.domain.token;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** One stored output of a token's generation job. */
public record GeneratedOutput(int generation, int stepId, UUID assetId, String url, String mimeType) {

  private static final Comparator<GeneratedOutput> LAST_STEP_FIRST_GENERATION =
      Comparator.comparingInt(GeneratedOutput::stepId).reversed().thenComparingInt(GeneratedOutput::generation);

  /**
   * The token's image among a job's outputs: an {@code image/*} output of the highest step id (the
   * instruction set's final step: steps only refer to earlier ones), of the lowest generation (a
   * token's job has one), the first such in the job's order. Steps that produce no image (a text or
   * video step) are passed over while any image exists; without any image, the same rule picks among
   * all outputs.
   */
  public static Optional<GeneratedOutput> imageOf(List<GeneratedOutput> outputs) {
    List<GeneratedOutput> images = outputs.stream()
        .filter(o -> o.mimeType() != null && o.mimeType().startsWith("image/")).toList();
    // min() keeps the first of equal elements, and the list order breaks ties.
    return (images.isEmpty() ? outputs : images).stream().min(LAST_STEP_FIRST_GENERATION);
  }
}
