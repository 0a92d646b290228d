package io.emprops.collections.messaging;

import io.emprops.collections.domain.AssetOrigins;
import io.emprops.collections.domain.GeneratedAsset;
import io.emprops.collections.domain.GenerationInput;
import io.emprops.events.contract.AssetDeleted;
import io.emprops.events.contract.AssetStored;
import io.emprops.events.contract.GenerationStepCompleted;
import io.emprops.events.inbox.InboxHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Remembers which generation each generated asset is the output of, and what that generation ran
 * with, so a collection can be made from an asset (POST /projects/collections?asset_id=). Any
 * generated asset counts, whatever its type: this is independent of sample images.
 */
@Component
class GenerationOrigins {

  private static final Logger log = LoggerFactory.getLogger(GenerationOrigins.class);

  private final AssetOrigins origins;

  GenerationOrigins(AssetOrigins origins) {
    this.origins = origins;
  }

  @InboxHandler("collections.record-generation-input")
  void stepCompleted(GenerationStepCompleted event) {
    if (event.hash() == null || event.collectionId() == null) {
      // Written before the contract carried the input: there is nothing to reproduce the generation from.
      log.debug("GenerationStepCompleted of job {} generation {} carries no input", event.jobId(), event.generation());
      return;
    }
    // A JSON null (explicit or absent) is a generation without variables.
    ObjectNode variables = event.variables() instanceof ObjectNode object ? object : JsonNodeFactory.instance.objectNode();
    origins.recordInput(new GenerationInput(event.jobId(), event.generation(), event.collectionId(), event.userId(),
        event.hash(), variables));
  }

  @InboxHandler("collections.record-generated-asset")
  void stored(AssetStored asset) {
    // Uploads have no job; an output without its collection or generation could not be copied from.
    if (asset.jobId() != null && asset.generation() != null && asset.collectionId() != null) {
      origins.recordAsset(new GeneratedAsset(asset.assetId(), asset.userId(), asset.collectionId(), asset.jobId(),
          asset.generation(), asset.stepId(), asset.storedAt()));
    }
  }

  @InboxHandler("collections.forget-generated-asset")
  void deleted(AssetDeleted asset) {
    origins.forgetAsset(asset.assetId());
  }
}
