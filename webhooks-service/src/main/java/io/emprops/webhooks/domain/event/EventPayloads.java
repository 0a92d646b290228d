package io.emprops.webhooks.domain.event;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * The {@code data} of each event type, version 1. Within a version fields are only added (receivers
 * ignore what they do not know); a change of meaning or shape is a new version of the type.
 * Instants are ISO-8601 UTC, JSON names snake_case, nulls explicit; only {@link Nullable} components
 * are ever null (the OpenAPI document says so).
 */
public final class EventPayloads {

  private EventPayloads() {}

  public record JobStarted(UUID jobId, UUID collectionId, int generations, int totalSteps, Instant startedAt) {}

  /**
   * @param stepProgress the step's progress, 0-100
   * @param progress the job's progress over all its steps, 0-100
   */
  public record JobProgress(UUID jobId, UUID collectionId, int generation, int stepId, int stepProgress,
      int progress, String message, Instant progressedAt) {}

  /** @param assetId null until storage has stored the output (then {@code asset.stored} tells it) */
  public record JobOutput(int generation, int stepId, @Nullable UUID assetId, String url, @Nullable String mimeType) {}

  public record JobCompleted(UUID jobId, UUID collectionId, long creditsSpent, List<JobOutput> outputs,
      Instant completedAt) {}

  public record JobFailed(UUID jobId, UUID collectionId, String code, String error, @Nullable Integer failedStepId,
      long creditsSpent, Instant failedAt) {}

  public record JobCancelled(UUID jobId, UUID collectionId, long creditsSpent, Instant cancelledAt) {}

  /**
   * @param jobId the job whose output it is; null (with {@code generation} and {@code step_id}) for uploads
   * @param cdnUrl what clients should load; null without a CDN
   */
  public record AssetStored(UUID assetId, @Nullable UUID collectionId, @Nullable UUID jobId,
      @Nullable Integer generation, @Nullable Integer stepId, String url, @Nullable String cdnUrl, String mimeType,
      long size, String sha256, Instant storedAt) {}

  public record AssetDeleted(UUID assetId, @Nullable UUID collectionId, Instant deletedAt) {}

  public record PublicationSubmitted(UUID collectionId, String blockchain, long chainId, String txHash,
      String contractAddress, Instant submittedAt) {}

  public record PublicationConfirmed(UUID collectionId, String blockchain, long chainId, String contractAddress,
      String txHash, long blockNumber, int confirmations, Instant confirmedAt) {}

  /** @param chainId null when it failed before a chain was chosen; {@code tx_hash} null when nothing was mined */
  public record PublicationFailed(UUID collectionId, String blockchain, @Nullable Long chainId, String code,
      String error, @Nullable String txHash, Instant failedAt) {}

  /**
   * @param owner the address the token was minted to
   * @param hash the token hash fixed at mint, the seed of its image
   * @param jobId the generation that makes the token's image: its {@code job.*} events follow
   * @param mintedAt the time of the block holding the mint
   */
  public record TokenMinted(UUID collectionId, String blockchain, long chainId, String contractAddress, long tokenId,
      String owner, String hash, String txHash, long blockNumber, UUID jobId, Instant mintedAt) {}

  /**
   * @param imageUrl the token's stored image (the CDN URL where there is one)
   * @param metadataUrl the token's {@code tokenURI}, now final
   */
  public record TokenReady(UUID collectionId, long chainId, String contractAddress, long tokenId, String hash,
      UUID jobId, UUID assetId, String imageUrl, String metadataUrl, Instant readyAt) {}

  /** The data of {@code webhook.test}. */
  public record WebhookTest(UUID endpointId, String message, Instant sentAt) {}

  /** The note left in an endpoint's delivery log when it is disabled (never sent). */
  public record EndpointDisabled(UUID endpointId, String reason, Instant failingSince, Instant disabledAt) {}
}
