package io.emprops.generator.domain.model;

/**
 * What an admin sends to create or replace a model. {@code credential}: absent keeps the stored
 * one, an empty string removes it, anything else replaces it (encrypted before it is stored).
 */
public record ModelDraft(String name, String description, String sourceUrl, Boolean gated, String credential, Boolean enabled) {}
