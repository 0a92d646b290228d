package io.emprops.generator.messaging;

import io.emprops.events.contract.CollectionGenerationRejected;
import io.emprops.events.inbox.InboxHandler;
import io.emprops.generator.domain.execution.JobsAwaitingCollections;
import org.springframework.stereotype.Component;

/**
 * collections-service's refusal of a collection the generator asked it to create
 * ({@code CollectionGenerationRequested}): the job fails. Its success needs no handler of its
 * own: it is the collection's {@code CollectionCreated} ({@link CollectionReadModel}).
 */
@Component
class CollectionGenerationOutcomes {

  private final JobsAwaitingCollections jobs;

  CollectionGenerationOutcomes(JobsAwaitingCollections jobs) {
    this.jobs = jobs;
  }

  @InboxHandler("generator.collection-generation-rejected")
  void rejected(CollectionGenerationRejected event) {
    jobs.collectionRejected(event.jobId(), event.collectionId(), event.reason());
  }
}
