package io.emprops.credits.domain;

import java.util.UUID;

/**
 * @param charged credits that left the balance
 * @param released credits of the hold that became available again
 * @param balance the user's balance; null when nothing was held and the user has no account
 * @param happened false when nothing was held (already settled, or never reserved)
 */
public record Settlement(UUID jobId, String userId, long charged, long released, Balance balance, boolean happened) {

  static Settlement nothingHeld(UUID jobId, Balance balance) {
    return new Settlement(jobId, null, 0, 0, balance, false);
  }
}
