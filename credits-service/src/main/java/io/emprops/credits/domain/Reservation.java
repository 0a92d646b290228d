package io.emprops.credits.domain;

import java.util.UUID;

/** A reservation as it stands after a decision. */
public record Reservation(UUID jobId, String userId, long amount, long spent, String status) {

  public boolean isActive() {
    return "active".equals(status);
  }
}
