package io.emprops.storage.domain.output;

import java.time.Instant;
import java.util.UUID;

/**
 * The output of one step of one generation, where the worker left it.
 *
 * @param url a {@code data:} URL or an HTTP(S) URL
 * @param mimeType the type the worker declared, or null
 * @param fileName the file name the generator chose, or null
 */
public record GeneratedOutput(
    UUID jobId, String userId, UUID collectionId, int generation, int stepId, String url, String mimeType,
    String fileName, Instant completedAt) {}
