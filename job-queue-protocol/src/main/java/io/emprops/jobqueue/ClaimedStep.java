package io.emprops.jobqueue;

import java.time.Instant;
import java.util.Map;

/**
 * A step a worker has just claimed.
 *
 * @param fields its hash {@code job:<id>} as read right after the claim
 * @param claimedAt when it was claimed ({@code assigned_at} in the hash, {@code claimed_at} in the message)
 */
public record ClaimedStep(String stepId, Map<String, String> fields, Instant claimedAt) {

  public ClaimedStep {
    fields = Map.copyOf(fields);
  }

  public String field(String name) {
    return fields.getOrDefault(name, "");
  }
}
