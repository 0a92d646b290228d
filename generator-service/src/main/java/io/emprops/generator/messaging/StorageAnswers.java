package io.emprops.generator.messaging;

import io.emprops.events.contract.AssetStoreFailed;
import io.emprops.events.contract.AssetStored;
import io.emprops.events.inbox.InboxHandler;
import io.emprops.generator.domain.execution.OutputStorage;
import io.emprops.generator.domain.execution.StoredOutput;
import io.emprops.generator.domain.execution.UnstoredOutput;
import org.springframework.stereotype.Component;

/**
 * storage-service's answers to the outputs the generator handed it ({@code GenerationStepCompleted}):
 * each output becomes durable ({@code AssetStored}) or will not be ({@code AssetStoreFailed}).
 * Uploads are assets too, with no job: not ours.
 */
@Component
class StorageAnswers {

  private final OutputStorage outputs;

  StorageAnswers(OutputStorage outputs) {
    this.outputs = outputs;
  }

  @InboxHandler("generator.output-stored")
  void stored(AssetStored asset) {
    if (asset.jobId() != null && asset.generation() != null && asset.stepId() != null) {
      outputs.stored(new StoredOutput(asset.jobId(), asset.generation(), asset.stepId(), asset.fileIndex(),
          asset.assetId(), asset.url(), asset.cdnUrl(), asset.mimeType()));
    }
  }

  @InboxHandler("generator.output-not-stored")
  void notStored(AssetStoreFailed failed) {
    outputs.notStored(new UnstoredOutput(failed.jobId(), failed.generation(), failed.stepId(), failed.outputIndex(),
        failed.code(), failed.reason()));
  }
}
