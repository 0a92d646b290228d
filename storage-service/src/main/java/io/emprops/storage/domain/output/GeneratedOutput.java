package io.emprops.storage.domain.output;

import java.time.Instant;
import java.util.UUID;

/**
 * One output file of one step of one generation, where the worker left it.
 *
 * @param outputIndex its position among the step's files
 * @param url a {@code data:} URL or an HTTP(S) URL
 * @param mimeType the type the worker declared, or null
 * @param fileName the file name the generator chose, or null
 */
public record GeneratedOutput(
    UUID jobId, String userId, UUID collectionId, int generation, int stepId, int outputIndex, String url,
    String mimeType, String fileName, Instant completedAt) {

  /** How logs and failures name it. */
  public String label() {
    return "output " + outputIndex + " of job " + jobId + " generation " + generation + " step " + stepId;
  }
}
