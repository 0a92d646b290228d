package io.emprops.collections.persistence;

import io.emprops.collections.domain.CollectionEvents;
import io.emprops.collections.domain.CollectionSnapshot;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * TEMPORARY: stands in for the transactional outbox of {@code shared-events}, which is being built
 * in parallel. It publishes nothing and writes nothing; it only logs at DEBUG what would be
 * published. Replace it with an implementation that inserts the outbox row in the caller's
 * transaction (every call site already runs inside the transaction of its change).
 */
@Component
public class PendingEventsRecorder implements CollectionEvents {

  private static final Logger log = LoggerFactory.getLogger(PendingEventsRecorder.class);

  @Override
  public void created(CollectionSnapshot collection) {
    pending("CollectionCreated", collection);
  }

  @Override
  public void updated(CollectionSnapshot collection) {
    pending("CollectionUpdated", collection);
  }

  @Override
  public void archived(CollectionSnapshot collection) {
    pending("CollectionArchived", collection);
  }

  @Override
  public void publishRequested(CollectionSnapshot collection) {
    pending("CollectionPublishRequested", collection);
  }

  @Override
  public void deleted(CollectionSnapshot collection) {
    pending("CollectionDeleted", collection);
  }

  private static void pending(String type, CollectionSnapshot collection) {
    log.debug("Not yet published (no outbox): {} for collection {} version {}", type, collection.id(), collection.version());
  }
}
