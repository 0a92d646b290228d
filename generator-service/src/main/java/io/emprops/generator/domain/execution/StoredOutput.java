package io.emprops.generator.domain.execution;

import java.util.UUID;

/**
 * storage-service's answer for an output it stored ({@code AssetStored}).
 *
 * @param jobId the job whose {@code GenerationStepCompleted} named the output
 * @param url the object's own URL at the store
 * @param cdnUrl its CDN URL, null without a CDN
 * @param mimeType as storage-service found it
 */
public record StoredOutput(UUID jobId, int generation, int stepId, int index, UUID assetId, String url, String cdnUrl,
    String mimeType) {

  /** What clients load: the CDN's URL where there is a CDN, else the store's. */
  public String publicUrl() {
    return cdnUrl != null ? cdnUrl : url;
  }
}
