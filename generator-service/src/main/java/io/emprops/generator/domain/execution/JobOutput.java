package io.emprops.generator.domain.execution;

import java.util.UUID;

/**
 * One output file of one step of one generation, as stored: what storage-service copies and later
 * attaches its asset to.
 *
 * @param ordinal 0-based position among the step's files
 * @param url the worker's URL, or a {@code data:} URL for inline output
 * @param assetId the durable asset, once storage-service holds it
 */
public record JobOutput(int generation, int stepId, int ordinal, String url, String mimeType, UUID assetId) {}
