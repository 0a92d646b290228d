package io.emprops.gateway.security.apikeys;

import java.time.Instant;
import java.util.Set;

/** A stored API key, without its secret. {@code roles} are the owner's roles when it was made. */
public record ApiKey(String id, String prefix, String userId, Set<String> roles, String name,
    Instant createdAt) {}
