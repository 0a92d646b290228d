package io.emprops.events.contract;

/**
 * Something about a collection changed (fields, instruction set, status, preview settings);
 * carries its full state after the change, not a diff.
 */
@EventType(value = "CollectionUpdated.v1", topic = Topic.COLLECTIONS)
public record CollectionUpdated(CollectionSnapshot collection) implements DomainEvent {

  @Override
  public String aggregateId() {
    return collection.collectionId().toString();
  }
}
