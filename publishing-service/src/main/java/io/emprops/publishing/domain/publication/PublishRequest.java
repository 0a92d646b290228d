package io.emprops.publishing.domain.publication;

import io.emprops.events.contract.Blockchain;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** The owner asked to publish a collection: everything the deployment needs (CollectionPublishRequested). */
public record PublishRequest(
    UUID collectionId,
    String userId,
    long revision,
    String title,
    String description,
    Blockchain blockchain,
    int editions,
    BigDecimal price,
    String coverImageUrl,
    boolean batchMintEnabled,
    Integer batchMaxTokens,
    List<Receiver> receivers,
    Instant requestedAt) {

  /** @param value percent; {@code type} {@code secondary} means royalties, anything else primary sales */
  public record Receiver(String address, BigDecimal value, String type) {
    public boolean royalty() {
      return "secondary".equalsIgnoreCase(type);
    }
  }
}
