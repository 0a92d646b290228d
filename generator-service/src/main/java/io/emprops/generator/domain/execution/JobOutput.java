package io.emprops.generator.domain.execution;

import java.util.Locale;
import java.util.UUID;

/**
 * One output file of one step of one generation, as clients see it: storage-service makes it
 * durable, and only then does it have a URL. The worker's own location (possibly a {@code data:}
 * URL) stays inside the generator.
 *
 * @param index 0-based position among the step's files
 * @param mimeType as the worker said, then as storage-service found it
 * @param assetId the durable asset, once stored
 * @param url where clients load it (the asset's CDN URL, else its URL), once stored; null before
 * @param error why it will not be stored (status {@link Status#FAILED})
 */
public record JobOutput(int generation, int stepId, int index, String mimeType, Status status, UUID assetId,
    String url, String error) {

  /** Where an output is on its way to durable storage. */
  public enum Status {
    STORING, STORED, FAILED;

    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }

    public static Status of(String wireName) {
      return valueOf(wireName.toUpperCase(Locale.ROOT));
    }
  }

  /** How history messages and errors name it. */
  public String label() {
    return "output " + index + " of step " + stepId + " of generation " + generation;
  }
}
