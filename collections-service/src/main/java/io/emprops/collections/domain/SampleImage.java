package io.emprops.collections.domain;

import java.time.Instant;
import java.util.UUID;

/** A generated image of a collection, as the storage service announced it. */
public record SampleImage(UUID assetId, UUID collectionId, String url, String altText, Instant createdAt) {}
