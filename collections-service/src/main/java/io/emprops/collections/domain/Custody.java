package io.emprops.collections.domain;

/**
 * The social identity a collection is held for until someone links it to a real account
 * (POST /social-links).
 */
public record Custody(String socialOrg, String socialIdentifier) {}
