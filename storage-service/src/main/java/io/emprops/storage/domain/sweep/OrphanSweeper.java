package io.emprops.storage.domain.sweep;

import io.emprops.storage.domain.StorageMetrics;
import io.emprops.storage.domain.objects.ObjectStore;
import io.emprops.storage.domain.objects.ObjectStoreException;
import io.emprops.storage.domain.objects.PendingObjects;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Removes objects no asset owns: those of a crash between the object and its row, of a
 * transaction that rolled back after the write, of a deletion whose object could not be removed at
 * once. Their keys stay pending (see {@link PendingObjects}); after {@code grace} — longer than any
 * upload or fetch may take — the sweeper removes each object (and any unfinished upload to its
 * key) and forgets the key. Instances sweep side by side: each claims its keys with
 * {@code SKIP LOCKED}.
 */
public class OrphanSweeper {

  private static final Logger log = LoggerFactory.getLogger(OrphanSweeper.class);
  private static final int BATCH = 100;

  private final PendingObjects pending;
  private final ObjectStore store;
  private final TransactionTemplate transactions;
  private final StorageMetrics metrics;
  private final Duration grace;

  public OrphanSweeper(PendingObjects pending, ObjectStore store, TransactionTemplate transactions,
      StorageMetrics metrics, Duration grace) {
    this.pending = pending;
    this.store = store;
    this.transactions = transactions;
    this.metrics = metrics;
    this.grace = grace;
  }

  @Scheduled(fixedDelayString = "${emprops.storage.sweeper.interval:5m}",
      initialDelayString = "${emprops.storage.sweeper.interval:5m}")
  void scheduled() {
    try {
      sweep();
    } catch (RuntimeException e) {
      log.warn("Orphan sweep failed: {}", e.toString());
    }
  }

  /** One pass over what is due: @return the objects removed */
  public int sweep() {
    pending.forgetOwned(grace);
    int removed = 0;
    while (true) {
      Batch batch = transactions.execute(status -> sweepBatch());
      removed += batch.removed();
      // A short batch is the last; one with failures ends the pass, so a failing store is not asked again at once.
      if (batch.claimed() < BATCH || batch.removed() < batch.claimed()) {
        return removed;
      }
    }
  }

  private record Batch(int claimed, int removed) {}

  private Batch sweepBatch() {
    List<String> orphans = pending.claimOrphans(grace, BATCH);
    int removed = 0;
    for (String key : orphans) {
      try {
        store.delete(key);
        pending.forget(key);
        removed++;
      } catch (ObjectStoreException e) {
        log.warn("Orphaned object {} not removed ({}); next sweep retries", key, e.getMessage());
      }
    }
    if (removed > 0) {
      log.info("Removed {} orphaned object(s)", removed);
      metrics.orphansRemoved(removed);
    }
    return new Batch(orphans.size(), removed);
  }
}
