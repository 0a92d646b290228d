package io.emprops.events.contract;

/** A collection was created (directly, from a template, or as a remix); carries its full state. */
@EventType(value = "CollectionCreated.v1", topic = Topic.COLLECTIONS)
public record CollectionCreated(CollectionSnapshot collection) implements DomainEvent {

  @Override
  public String aggregateId() {
    return collection.collectionId().toString();
  }
}
