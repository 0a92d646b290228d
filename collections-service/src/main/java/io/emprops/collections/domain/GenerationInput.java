package io.emprops.collections.domain;

import java.util.UUID;
import tools.jackson.databind.node.ObjectNode;

/**
 * What one generation of a job ran with (from the generator's GenerationStepCompleted).
 *
 * @param hash the generation's hash, which seeded its pick draws
 * @param variables the value each variable had in the generation, by name
 */
public record GenerationInput(
    UUID jobId, int generation, UUID collectionId, String userId, String hash, ObjectNode variables) {}
