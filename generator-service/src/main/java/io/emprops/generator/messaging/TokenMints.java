package io.emprops.generator.messaging;

import io.emprops.events.contract.TokenMinted;
import io.emprops.events.inbox.InboxHandler;
import io.emprops.generator.domain.token.TokenGenerations;
import org.springframework.stereotype.Component;

/**
 * Publishing's announcements of minted tokens: each starts the token's one generation, paid by the
 * mint (see {@link TokenGenerations}). A token whose collection the generator does not know yet
 * waits for it ({@link CollectionReadModel} starts it).
 */
@Component
class TokenMints {

  private final TokenGenerations tokens;

  TokenMints(TokenGenerations tokens) {
    this.tokens = tokens;
  }

  @InboxHandler("generator.token-minted")
  void minted(TokenMinted event) {
    tokens.start(event.generationJobId(), event.userId(), event.collectionId(), event.tokenId(), event.hash());
  }
}
