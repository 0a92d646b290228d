package io.emprops.credits.domain;

import java.time.Instant;
import java.util.UUID;

public record LedgerEntry(
    UUID id, long amount, LedgerKind kind, String reference, String description, Instant createdAt) {}
