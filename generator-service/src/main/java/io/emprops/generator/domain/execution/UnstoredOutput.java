package io.emprops.generator.domain.execution;

import java.util.UUID;

/**
 * storage-service's answer for an output it will not store ({@code AssetStoreFailed}).
 *
 * @param jobId the job whose {@code GenerationStepCompleted} named the output
 * @param code {@code REFUSED}, {@code UNREACHABLE} or {@code STORE_UNAVAILABLE}
 * @param reason what went wrong, for people
 */
public record UnstoredOutput(UUID jobId, int generation, int stepId, int index, String code, String reason) {}
