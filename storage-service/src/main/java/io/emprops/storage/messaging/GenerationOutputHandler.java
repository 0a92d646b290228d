package io.emprops.storage.messaging;

import io.emprops.events.contract.GenerationStepCompleted;
import io.emprops.events.inbox.InboxHandler;
import io.emprops.storage.domain.output.GeneratedOutput;
import io.emprops.storage.domain.output.GeneratedOutputs;
import org.springframework.stereotype.Component;

/**
 * The storage side of "Stored outputs" (ARCHITECTURE.md): each output file a generation step
 * produced becomes an asset, or is announced as not storable ({@code AssetStoreFailed}). Once per
 * event (inbox) and once per file (the asset's uniqueness), so redelivered and repeated events
 * store nothing twice.
 */
@Component
class GenerationOutputHandler {

  private final GeneratedOutputs outputs;

  GenerationOutputHandler(GeneratedOutputs outputs) {
    this.outputs = outputs;
  }

  @InboxHandler("storage.store-generation-output")
  void stepCompleted(GenerationStepCompleted event) {
    outputs.store(new GeneratedOutput(event.jobId(), event.userId(), event.collectionId(), event.generation(),
        event.stepId(), event.fileIndex(), event.outputUrl(), event.mimeType(), event.fileName(), event.completedAt()));
  }
}
