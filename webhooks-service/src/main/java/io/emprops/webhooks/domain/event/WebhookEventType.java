package io.emprops.webhooks.domain.event;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Every event type an endpoint can subscribe to (API.md, "Webhooks"), with the payload its
 * {@code data} carries. Which suite event produces which type is the messaging adapter's mapping
 * ({@code WebhookEventMappings}): a type whose events do not exist yet is listed here, accepted in
 * filters, and {@linkplain #available() marked} as arriving later.
 */
public enum WebhookEventType {
  JOB_STARTED("job.started", "A worker started the job's first step.", EventPayloads.JobStarted.class, null),
  JOB_PROGRESS("job.progress", "A step of the job progressed; coalesced to at most 2 a second per job.",
      EventPayloads.JobProgress.class, null),
  JOB_COMPLETED("job.completed", "Every step of the job completed.", EventPayloads.JobCompleted.class, null),
  JOB_FAILED("job.failed", "The job failed; completed work is charged.", EventPayloads.JobFailed.class, null),
  JOB_CANCELLED("job.cancelled", "The owner cancelled the job.", EventPayloads.JobCancelled.class, null),
  ASSET_STORED("asset.stored", "An asset (an upload or a job's output) is durably stored.",
      EventPayloads.AssetStored.class, null),
  ASSET_DELETED("asset.deleted", "The owner deleted an asset.", EventPayloads.AssetDeleted.class, null),
  PUBLICATION_SUBMITTED("publication.submitted", "The collection's deployment transaction was sent.",
      EventPayloads.PublicationSubmitted.class, null),
  PUBLICATION_CONFIRMED("publication.confirmed", "The collection's contract is deployed and confirmed.",
      EventPayloads.PublicationConfirmed.class, null),
  PUBLICATION_FAILED("publication.failed", "Publishing the collection failed.",
      EventPayloads.PublicationFailed.class, null),
  TOKEN_MINTED("token.minted", "A collector minted a token of the collection (confirmed on chain).",
      EventPayloads.TokenMinted.class, null),
  TOKEN_READY("token.ready", "A minted token's image and metadata are ready.", EventPayloads.TokenReady.class, null);

  /** The type of the message {@code POST /webhooks/{id}/test} sends: not subscribable. */
  public static final String TEST = "webhook.test";

  private final String wireName;
  private final String description;
  private final Class<?> payload;
  private final String pending;

  WebhookEventType(String wireName, String description, Class<?> payload, String pending) {
    this.wireName = wireName;
    this.description = description;
    this.payload = payload;
    this.pending = pending;
  }

  /** {@code job.completed}: the {@code type} of the body and the name endpoints subscribe to. */
  public String wireName() {
    return wireName;
  }

  public String description() {
    return description;
  }

  /** The record {@code data} is (version 1 of the type), empty for a type not produced yet. */
  public Optional<Class<?>> payload() {
    return Optional.ofNullable(payload);
  }

  /** Whether the suite produces it yet. */
  public boolean available() {
    return pending == null;
  }

  /** Why not yet, when not {@link #available()}. */
  public Optional<String> pending() {
    return Optional.ofNullable(pending);
  }

  /** {@code job} of {@code job.completed}: what {@code job.*} matches. */
  public String group() {
    return wireName.substring(0, wireName.indexOf('.'));
  }

  public static Optional<WebhookEventType> byWireName(String name) {
    return Arrays.stream(values()).filter(t -> t.wireName.equals(name)).findFirst();
  }

  public static List<String> groups() {
    return Arrays.stream(values()).map(WebhookEventType::group).distinct().toList();
  }
}
