package io.emprops.publishing.domain.publication;

import java.util.UUID;

/**
 * Points of the saga where a crash leaves a distinct state to resume from. Production does
 * nothing there; the restart tests stop the service exactly at one of them.
 */
public interface PublicationCheckpoints {

  PublicationCheckpoints NONE = (checkpoint, collectionId) -> { };

  enum Checkpoint {
    /** The transaction is signed and stored; nothing was broadcast. */
    AFTER_SIGNING,
    /** The node has the transaction; the publication does not say so yet. */
    AFTER_BROADCAST
  }

  /** Called on the saga's thread; throwing aborts the round there. */
  void reached(Checkpoint checkpoint, UUID collectionId);
}
