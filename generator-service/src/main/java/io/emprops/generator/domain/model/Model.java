package io.emprops.generator.domain.model;

import java.time.Instant;
import java.util.UUID;

/** A model a workflow may require. Whether a credential is stored is public; the credential is not. */
public record Model(
    UUID id, String name, String description, String sourceUrl, boolean gated, boolean hasCredential,
    boolean enabled, long version, Instant createdAt, Instant updatedAt) {}
