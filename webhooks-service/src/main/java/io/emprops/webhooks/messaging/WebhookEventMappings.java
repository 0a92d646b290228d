package io.emprops.webhooks.messaging;

import io.emprops.events.contract.AssetDeleted;
import io.emprops.events.contract.AssetStored;
import io.emprops.events.contract.DomainEvent;
import io.emprops.events.contract.GenerationCancelled;
import io.emprops.events.contract.GenerationCompleted;
import io.emprops.events.contract.GenerationFailed;
import io.emprops.events.contract.GenerationProgressed;
import io.emprops.events.contract.GenerationStarted;
import io.emprops.events.contract.PublicationConfirmed;
import io.emprops.events.contract.PublicationFailed;
import io.emprops.events.contract.PublicationSubmitted;
import io.emprops.events.contract.TokenMinted;
import io.emprops.events.contract.TokenReady;
import io.emprops.events.inbox.EventMetadata;
import io.emprops.events.inbox.InboxHandlers;
import io.emprops.webhooks.domain.delivery.Deliveries;
import io.emprops.webhooks.domain.event.EventPayloads;
import io.emprops.webhooks.domain.event.WebhookEvent;
import io.emprops.webhooks.domain.event.WebhookEventType;
import java.time.Instant;
import java.util.UUID;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Which suite event becomes which webhook event: one entry per contract, each registered as an
 * inbox handler (consumer {@code webhooks.fan-out}), so an event is fanned out once however often
 * Kafka delivers it. Adding a type is one entry here. Events without an owner (publication events
 * written before {@code user_id} was added) cannot be routed and are skipped.
 */
@Component
class WebhookEventMappings {

  static final String CONSUMER = "webhooks.fan-out";
  private static final Logger log = LoggerFactory.getLogger(WebhookEventMappings.class);

  private final InboxHandlers handlers;
  private final Deliveries deliveries;

  WebhookEventMappings(InboxHandlers handlers, Deliveries deliveries) {
    this.handlers = handlers;
    this.deliveries = deliveries;
    map(GenerationStarted.class, WebhookEventType.JOB_STARTED, GenerationStarted::userId,
        e -> WebhookEvent.jobKey(e.jobId()), GenerationStarted::startedAt,
        e -> new EventPayloads.JobStarted(e.jobId(), e.collectionId(), e.generations(), e.totalSteps(), e.startedAt()));
    map(GenerationProgressed.class, WebhookEventType.JOB_PROGRESS, GenerationProgressed::userId,
        e -> WebhookEvent.jobKey(e.jobId()), GenerationProgressed::progressedAt,
        e -> new EventPayloads.JobProgress(e.jobId(), e.collectionId(), e.generation(), e.stepId(), e.stepProgress(),
            e.progress(), e.message(), e.progressedAt()));
    map(GenerationCompleted.class, WebhookEventType.JOB_COMPLETED, GenerationCompleted::userId,
        e -> WebhookEvent.jobKey(e.jobId()), GenerationCompleted::completedAt,
        e -> new EventPayloads.JobCompleted(e.jobId(), e.collectionId(), e.amountSpent(), e.outputs().stream()
            .map(o -> new EventPayloads.JobOutput(o.generation(), o.stepId(), o.assetId(), o.url(), o.mimeType()))
            .toList(), e.completedAt()));
    map(GenerationFailed.class, WebhookEventType.JOB_FAILED, GenerationFailed::userId,
        e -> WebhookEvent.jobKey(e.jobId()), GenerationFailed::failedAt,
        e -> new EventPayloads.JobFailed(e.jobId(), e.collectionId(), e.code(), e.error(), e.failedStepId(),
            e.amountSpent(), e.failedAt()));
    map(GenerationCancelled.class, WebhookEventType.JOB_CANCELLED, GenerationCancelled::userId,
        e -> WebhookEvent.jobKey(e.jobId()), GenerationCancelled::cancelledAt,
        e -> new EventPayloads.JobCancelled(e.jobId(), e.collectionId(), e.amountSpent(), e.cancelledAt()));
    // A job's outputs share its lane (ordered with its other events); uploads go by collection, or alone.
    map(AssetStored.class, WebhookEventType.ASSET_STORED, AssetStored::userId,
        e -> e.jobId() != null ? WebhookEvent.jobKey(e.jobId())
            : e.collectionId() != null ? WebhookEvent.collectionKey(e.collectionId()) : "asset:" + e.assetId(),
        AssetStored::storedAt,
        e -> new EventPayloads.AssetStored(e.assetId(), e.collectionId(), e.jobId(), e.generation(), e.stepId(),
            e.url(), e.cdnUrl(), e.mimeType(), e.size(), e.sha256(), e.storedAt()));
    map(AssetDeleted.class, WebhookEventType.ASSET_DELETED, AssetDeleted::userId,
        e -> e.collectionId() != null ? WebhookEvent.collectionKey(e.collectionId()) : "asset:" + e.assetId(),
        AssetDeleted::deletedAt,
        e -> new EventPayloads.AssetDeleted(e.assetId(), e.collectionId(), e.deletedAt()));
    map(PublicationSubmitted.class, WebhookEventType.PUBLICATION_SUBMITTED, PublicationSubmitted::userId,
        e -> WebhookEvent.collectionKey(e.collectionId()), PublicationSubmitted::submittedAt,
        e -> new EventPayloads.PublicationSubmitted(e.collectionId(), name(e.blockchain()), e.chainId(), e.txHash(),
            e.contractAddress(), e.submittedAt()));
    map(PublicationConfirmed.class, WebhookEventType.PUBLICATION_CONFIRMED, PublicationConfirmed::userId,
        e -> WebhookEvent.collectionKey(e.collectionId()), PublicationConfirmed::confirmedAt,
        e -> new EventPayloads.PublicationConfirmed(e.collectionId(), name(e.blockchain()), e.chainId(),
            e.contractAddress(), e.txHash(), e.blockNumber(), e.confirmations(), e.confirmedAt()));
    map(PublicationFailed.class, WebhookEventType.PUBLICATION_FAILED, PublicationFailed::userId,
        e -> WebhookEvent.collectionKey(e.collectionId()), PublicationFailed::failedAt,
        e -> new EventPayloads.PublicationFailed(e.collectionId(), name(e.blockchain()), e.chainId(), e.code(),
            e.error(), e.txHash(), e.failedAt()));
    // A collection's tokens share its lane: in mint order, each token's ready after its minted.
    // token.minted happens when the mint is confirmed and announced (the event's own time), not at
    // the block's time (minted_at, in the data), which is earlier by the confirmation depth: an
    // endpoint created in between is sent the token it has not heard of.
    map(TokenMinted.class, WebhookEventType.TOKEN_MINTED, TokenMinted::userId,
        e -> WebhookEvent.collectionKey(e.collectionId()), e -> null,
        e -> new EventPayloads.TokenMinted(e.collectionId(), name(e.blockchain()), e.chainId(), e.contractAddress(),
            e.tokenId(), e.owner(), e.hash(), e.txHash(), e.blockNumber(), e.generationJobId(), e.mintedAt()));
    map(TokenReady.class, WebhookEventType.TOKEN_READY, TokenReady::userId,
        e -> WebhookEvent.collectionKey(e.collectionId()), TokenReady::readyAt,
        e -> new EventPayloads.TokenReady(e.collectionId(), e.chainId(), e.contractAddress(), e.tokenId(), e.hash(),
            e.jobId(), e.assetId(), e.imageUrl(), e.metadataUrl(), e.readyAt()));
  }

  /** @param occurredAt the webhook's {@code timestamp}; null: when the event was written */
  private <E extends DomainEvent> void map(Class<E> contract, WebhookEventType type, Function<E, String> owner,
      Function<E, String> orderingKey, Function<E, Instant> occurredAt, Function<E, Object> data) {
    handlers.register(CONSUMER, contract, (E event, EventMetadata metadata) -> {
      String userId = owner.apply(event);
      if (userId == null) {
        log.debug("{} {} has no owner: not delivered", metadata.eventType(), metadata.eventId());
        return;
      }
      Instant at = occurredAt.apply(event);
      deliveries.publish(new WebhookEvent(metadata.eventId(), type, userId, orderingKey.apply(event),
          at == null ? metadata.occurredAt() : at, data.apply(event)));
    });
  }

  private static String name(Enum<?> value) {
    return value == null ? null : value.name();
  }

  /** For tests: the id an event's message gets. */
  static UUID messageIdOf(UUID eventId, WebhookEventType type) {
    return Deliveries.messageId(eventId, type.wireName());
  }
}
