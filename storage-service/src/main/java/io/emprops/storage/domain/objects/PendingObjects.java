package io.emprops.storage.domain.objects;

import java.time.Duration;
import java.util.List;

/**
 * Keys of objects whose fate is not settled yet: written (or being written) but not yet owned by
 * an asset row, or owned by a deleted asset and still to be removed. A key is recorded before its
 * object is written and forgotten in the transaction that gives the object its row (or once the
 * object is gone), so a crash between the object and the row leaves the key here, and the
 * sweeper removes the orphan.
 */
public interface PendingObjects {

  /**
   * Records the key in a transaction of its own, committed before this returns (a rollback of the
   * caller's transaction must not forget it); recording it again renews it.
   */
  void record(String key);

  /** Forgets the key, in the caller's transaction if there is one. */
  void forget(String key);

  /**
   * Keys recorded at least {@code grace} ago that no live asset owns, at most {@code limit},
   * locked until the caller's transaction ends (another instance's sweeper skips them).
   */
  List<String> claimOrphans(Duration grace, int limit);

  /**
   * Forgets keys recorded at least {@code grace} ago that a live asset owns after all (a deletion
   * that did not happen): their objects stay.
   */
  int forgetOwned(Duration grace);

  long count();
}
