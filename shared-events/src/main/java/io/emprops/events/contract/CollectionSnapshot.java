package io.emprops.events.contract;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.UUID;
import tools.jackson.databind.JsonNode;

/**
 * The whole state of a collection at one revision (event-carried state transfer: consumers keep
 * read models from it and never call collections-service).
 *
 * @param revision increases with every change of the collection; a read model ignores a snapshot
 *     older than the one it holds
 * @param userId the owner
 * @param data the instruction set, as in the API ({@code version}, {@code steps},
 *     {@code generations}, {@code variables})
 * @param editions null until set by the owner
 * @param price null until set by the owner
 * @param blockchain null until set by the owner
 */
public record CollectionSnapshot(
    UUID collectionId,
    UUID projectId,
    String userId,
    long revision,
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
    boolean previewEnabled,
    boolean isRemixable,
    Instant createdAt,
    Instant updatedAt) {}
