package io.emprops.collections.domain;

import java.util.List;

/**
 * Everything a consumer of collection events needs (the generator's read model, publishing),
 * taken inside the transaction that made the change. Holds the domain records themselves, so a
 * collection's fields are listed once ({@link CollectionFields}); the outbox maps them to the
 * shared contracts.
 */
public record CollectionSnapshot(Collection collection, List<Receiver> receivers, PreviewSettings preview) {

  public CollectionSnapshot {
    receivers = List.copyOf(receivers);
  }
}
