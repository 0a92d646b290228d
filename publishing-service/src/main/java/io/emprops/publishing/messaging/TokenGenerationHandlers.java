package io.emprops.publishing.messaging;

import io.emprops.events.contract.GenerationCompleted;
import io.emprops.events.contract.GenerationFailed;
import io.emprops.events.contract.GenerationStarted;
import io.emprops.events.contract.GenerationStepCompleted;
import io.emprops.events.inbox.InboxHandler;
import io.emprops.publishing.domain.token.GeneratedOutput;
import io.emprops.publishing.domain.token.Tokens;
import org.springframework.stereotype.Component;

/**
 * The generation of minted tokens (ARCHITECTURE.md, "Mint"): the generator runs a token's image
 * as job {@code TokenMinted.generationJobIdOf(collection, token, hash)}; its events move the token's row.
 * Events of every other job are passed over by {@link Tokens}.
 */
@Component
class TokenGenerationHandlers {

  private final Tokens tokens;

  TokenGenerationHandlers(Tokens tokens) {
    this.tokens = tokens;
  }

  @InboxHandler("publishing.token-generation-started")
  void started(GenerationStarted event) {
    tokens.generationStarted(event.jobId());
  }

  @InboxHandler("publishing.token-generation-step")
  void stepCompleted(GenerationStepCompleted event) {
    tokens.stepCompleted(event.jobId(), event.hash(), event.variables());
  }

  @InboxHandler("publishing.token-generation-completed")
  void completed(GenerationCompleted event) {
    tokens.generationCompleted(event.jobId(), event.outputs().stream()
        .map(o -> new GeneratedOutput(o.generation(), o.stepId(), o.assetId(), o.url(), o.mimeType())).toList(),
        event.completedAt());
  }

  @InboxHandler("publishing.token-generation-failed")
  void failed(GenerationFailed event) {
    tokens.generationFailed(event.jobId(), event.code(), event.error());
  }
}
