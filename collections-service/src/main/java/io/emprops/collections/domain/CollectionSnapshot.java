package io.emprops.collections.domain;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import tools.jackson.databind.JsonNode;

/**
 * Everything a consumer of collection events needs (the generator's read model, publishing),
 * taken inside the transaction that made the change.
 *
 * @param custody the social identity holding the collection, or null when a real user owns it
 */
public record CollectionSnapshot(
    UUID id,
    UUID projectId,
    String userId,
    String title,
    String description,
    CollectionStatus status,
    boolean archived,
    JsonNode data,
    Integer editions,
    BigDecimal price,
    Blockchain blockchain,
    Instant publishDate,
    String coverImageUrl,
    boolean batchMintEnabled,
    Integer batchMaxTokens,
    boolean encryptionEnabled,
    List<Receiver> receivers,
    PreviewSettings preview,
    Custody custody,
    UUID forkedFromId,
    Instant createdAt,
    Instant updatedAt,
    long version) {}
