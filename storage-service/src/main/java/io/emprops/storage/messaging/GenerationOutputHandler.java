package io.emprops.storage.messaging;

import io.emprops.events.contract.GenerationStepCompleted;
import io.emprops.events.inbox.InboxHandler;
import io.emprops.storage.domain.output.GeneratedOutput;
import io.emprops.storage.domain.output.GeneratedOutputs;
import org.springframework.stereotype.Component;

/**
 * The storage side of "Stored outputs" (ARCHITECTURE.md): each output a generation step produced
 * becomes an asset. Once per event (inbox) and once per step (the asset's uniqueness), so
 * redelivered and repeated events store nothing twice. An output that cannot be stored fails the
 * handler: retried, then dead-lettered with the reason, never dropped.
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
        event.stepId(), event.outputUrl(), event.mimeType(), event.fileName(), event.completedAt()));
  }
}
