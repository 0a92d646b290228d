package io.emprops.generator.messaging;

import io.emprops.events.contract.CollectionArchived;
import io.emprops.events.contract.CollectionCreated;
import io.emprops.events.contract.CollectionSnapshot;
import io.emprops.events.contract.CollectionUpdated;
import io.emprops.events.inbox.InboxHandler;
import io.emprops.generator.domain.execution.JobsAwaitingCollections;
import io.emprops.generator.domain.token.TokenGenerations;
import io.emprops.generator.persistence.CollectionViewRepository;
import org.springframework.stereotype.Component;

/**
 * Keeps the generator's copy (its only writer) of collections from {@code emprops.collections}. Each event is
 * handled once (inbox) and applied only if newer than what is stored (revision), so redelivered
 * or late snapshots never roll a collection back.
 */
@Component
class CollectionReadModel {

  private final CollectionViewRepository views;
  private final TokenGenerations tokens;
  private final JobsAwaitingCollections jobs;

  CollectionReadModel(CollectionViewRepository views, TokenGenerations tokens, JobsAwaitingCollections jobs) {
    this.views = views;
    this.tokens = tokens;
    this.jobs = jobs;
  }

  @InboxHandler("generator.collection-created")
  void created(CollectionCreated event) {
    applied(event.collection());
  }

  @InboxHandler("generator.collection-updated")
  void updated(CollectionUpdated event) {
    applied(event.collection());
  }

  /**
   * Stores the snapshot; tokens minted before the collection reached the generator, and jobs of
   * {@code POST /api/collections/generate} waiting for it, start now.
   */
  private void applied(CollectionSnapshot snapshot) {
    if (views.apply(snapshot)) {
      tokens.startWaiting(snapshot.collectionId());
      jobs.collectionArrived(snapshot.collectionId());
    }
  }

  @InboxHandler("generator.collection-archived")
  void archived(CollectionArchived event) {
    views.archive(event.collectionId(), event.projectId(), event.userId(), event.revision());
  }
}
