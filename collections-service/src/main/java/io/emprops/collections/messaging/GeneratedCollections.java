package io.emprops.collections.messaging;

import io.emprops.collections.domain.Collections;
import io.emprops.collections.domain.Collections.GenerationOutcome;
import io.emprops.events.contract.CollectionGenerationRequested;
import io.emprops.events.inbox.InboxHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The generator's {@code POST /api/collections/generate}, collections-service's step: the
 * requested collection is created with the generator's id (announced by {@code CollectionCreated}
 * as any create), or refused with {@code CollectionGenerationRejected}. Runs once per event, in
 * the inbox's transaction.
 */
@Component
class GeneratedCollections {

  private static final Logger log = LoggerFactory.getLogger(GeneratedCollections.class);

  private final Collections collections;

  GeneratedCollections(Collections collections) {
    this.collections = collections;
  }

  @InboxHandler("collections.create-generated-collection")
  void requested(CollectionGenerationRequested event) {
    ObjectNode fields = JsonNodeFactory.instance.objectNode();
    fields.put("title", event.title());
    fields.set("data", event.data());
    if (event.editions() != null) {
      fields.put("editions", event.editions());
    }
    if (event.price() != null) {
      fields.put("price", event.price());
    }
    if (event.blockchain() != null) {
      fields.put("blockchain", event.blockchain().name());
    }
    GenerationOutcome outcome = collections.createForGeneration(event.collectionId(), event.jobId(), event.userId(),
        fields);
    if (outcome != GenerationOutcome.CREATED) {
      log.info("Collection {} for job {}: {}", event.collectionId(), event.jobId(), outcome);
    }
  }
}
