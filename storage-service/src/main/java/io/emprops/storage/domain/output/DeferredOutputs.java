package io.emprops.storage.domain.output;

import java.time.Instant;
import java.util.List;

/**
 * Generation outputs waiting for the object store to come back: each kept with what its event
 * said until it is stored or given up. One per output file.
 */
public interface DeferredOutputs {

  /** One deferred output: how often it was tried, since when, and until when it may wait. */
  record Deferred(GeneratedOutput output, int attempts, Instant deferredAt, Instant giveUpAt) {}

  /** Keeps {@code output}, tried {@code attempts} times, in the caller's transaction. */
  void defer(GeneratedOutput output, int attempts, String error, Instant now, Instant nextAttempt, Instant giveUpAt);

  /** Whether {@code output} is deferred (a repeated event then leaves it to its retries). */
  boolean isDeferred(GeneratedOutput output);

  /**
   * Deferred outputs due at {@code now}, oldest due first, at most {@code limit}, locked until the
   * caller's transaction ends (another instance skips them).
   */
  List<Deferred> claimDue(Instant now, int limit);

  /** Records another failed attempt and when to try again. */
  void postpone(GeneratedOutput output, String error, Instant nextAttempt);

  /** Forgets the output: stored, or given up. */
  void forget(GeneratedOutput output);

  long count();
}
