package io.emprops.events.testing;

import io.emprops.events.contract.CreditsGranted;
import io.emprops.events.contract.GenerationRequested;
import java.time.Instant;
import java.util.UUID;

/** Small valid events for relay and inbox tests. */
public final class TestEvents {

  private TestEvents() {}

  /** A generation request; {@code sequence} lands in {@code generations}, to check order. */
  public static GenerationRequested generationRequested(UUID jobId, int sequence) {
    return new GenerationRequested(jobId, "user-" + jobId.toString().substring(0, 8), UUID.randomUUID(),
        10L * sequence, sequence, Instant.now());
  }

  public static CreditsGranted creditsGranted(String userId, long amount, String reason) {
    return new CreditsGranted(UUID.randomUUID(), userId, amount, amount, reason, Instant.now());
  }
}
