package io.emprops.generator.domain.collectiongen;

import io.emprops.generator.domain.engine.InstructionSet;
import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Digits;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import java.math.BigDecimal;
import tools.jackson.databind.JsonNode;

/**
 * The body of {@code POST /api/collections/generate}. The shape is checked here (Bean
 * Validation); what needs the catalog (the workflow, its inputs) is checked by
 * {@link CollectionGenerations}.
 *
 * @param workflowId a string rather than a UUID, so that a malformed one is a 400 naming
 *     {@code workflow_id} in {@code details} rather than an unreadable body
 * @param variables the workflow's inputs, validated by a dry run of the workflow
 * @param generations how many to run; 1 when absent
 * @param metadata optional sale settings, stored on the collection
 */
public record CollectionGenerationRequest(
    @NotBlank @Size(min = 1, max = CollectionGenerationRequest.MAX_TITLE_LENGTH) String title,
    @NotBlank String workflowId,
    JsonNode variables,
    @Min(1) @Max(InstructionSet.MAX_GENERATIONS) Integer generations,
    @Valid Metadata metadata) {

  /** As collections-service allows: checked here too, so that nothing is created for a bad request. */
  public static final int MAX_TITLE_LENGTH = 200;

  public int generationsOrDefault() {
    return generations == null ? 1 : generations;
  }

  /**
   * Bounds as collections-service enforces them ({@code CollectionFields}), so a request it would
   * refuse is refused before a collection is created.
   *
   * @param blockchain one of {@link io.emprops.events.contract.Blockchain}; checked by the service,
   *     so an unknown chain is a 400 listing the allowed ones
   */
  public record Metadata(
      @Min(1) @Max(1_000_000) Integer editions,
      @DecimalMin("0") @Digits(integer = 20, fraction = 18) BigDecimal price,
      String blockchain) {}
}
