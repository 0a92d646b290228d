package io.emprops.credits.domain;

import java.time.Instant;
import java.util.UUID;

public record GrantReceipt(UUID id, String userId, long amount, String reason, Balance balance, Instant createdAt) {}
