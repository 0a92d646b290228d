package io.emprops.collections.domain;

import java.time.Instant;
import java.util.UUID;
import tools.jackson.databind.JsonNode;

/** A collection as the public feed lists it, before its images are attached. */
public record FeedEntry(
    UUID id,
    String title,
    String description,
    boolean isRemixable,
    String coverImageUrl,
    String projectName,
    String projectUserId,
    Custody custody,
    JsonNode data,
    Instant createdAt,
    Instant updatedAt) {}
