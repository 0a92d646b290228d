package io.emprops.events.contract;

/**
 * A fact one service publishes for the others, annotated with its {@link EventType}. The set of
 * events is closed here so that {@link EventCatalog} knows every contract at compile time.
 */
public sealed interface DomainEvent
    permits CollectionCreated, CollectionUpdated, CollectionArchived, CollectionPublishRequested,
        GenerationRequested, GenerationStarted, GenerationStepCompleted, GenerationCompleted,
        GenerationProgressed,
        GenerationFailed, GenerationCancelled,
        CreditsReserved, CreditsReservationRejected, CreditsCharged, CreditsReleased, CreditsGranted,
        AssetStored, AssetDeleted,
        PublicationSubmitted, PublicationConfirmed, PublicationFailed, ChainSupportAnnounced,
        AssetStoreFailed, TokenMinted, TokenReady,
        CollectionGenerationRequested, CollectionGenerationRejected {

  /**
   * The aggregate the event belongs to: the Kafka record key, so that the events of one aggregate
   * are consumed in the order they were committed. Not part of the payload.
   */
  String aggregateId();
}
