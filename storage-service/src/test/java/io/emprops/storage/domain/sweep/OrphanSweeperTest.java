package io.emprops.storage.domain.sweep;

import static org.assertj.core.api.Assertions.assertThat;

import io.emprops.storage.domain.StorageMetrics;
import io.emprops.storage.domain.objects.ObjectStore;
import io.emprops.storage.domain.objects.ObjectWrite;
import io.emprops.storage.domain.objects.PendingObjects;
import io.emprops.storage.domain.upload.Uploads;
import io.emprops.web.testing.Images;
import io.emprops.storage.support.StorageServiceTest;
import java.io.ByteArrayInputStream;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * A crash between an object and its row leaves the object with a pending key and no asset; the
 * sweeper removes it once the grace period has passed, and never touches an object an asset owns.
 * The crash is reproduced by doing what an upload does up to the moment it would insert its row.
 */
@StorageServiceTest
class OrphanSweeperTest {

  @Autowired PendingObjects pending;
  @Autowired ObjectStore store;
  @Autowired TransactionTemplate transactions;
  @Autowired StorageMetrics metrics;
  @Autowired Uploads uploads;
  @Autowired JdbcClient jdbc;

  private final String user = "crash-" + UUID.randomUUID();

  @Test
  void anObjectLeftWithoutItsRowIsRemovedOnceItsGraceHasPassed() throws Exception {
    String key = "uploads/" + user + "/" + UUID.randomUUID() + "/orphan.png";
    pending.record(key);
    store.write(new ObjectWrite(key, "image/png", null), new ByteArrayInputStream(Images.png(8, 1)));
    // ...and the process dies here, before the row.

    assertThat(sweeper(Duration.ofHours(1)).sweep()).as("too young to be an orphan").isZero();
    assertThat(store.find(key)).isPresent();

    assertThat(sweeper(Duration.ZERO).sweep()).isGreaterThanOrEqualTo(1);
    assertThat(store.find(key)).isEmpty();
    assertThat(pendingCount(key)).isZero();
  }

  @Test
  void anObjectAnAssetOwnsStaysAndItsStalePendingKeyIsForgotten() throws Exception {
    var staged = uploads.stage(user, "kept.png", new ByteArrayInputStream(Images.png(8, 2)));
    uploads.commit(staged, null);
    pending.record(staged.objectKey()); // e.g. a deletion that failed before its row changed

    sweeper(Duration.ZERO).sweep();

    assertThat(store.find(staged.objectKey())).isPresent();
    assertThat(pendingCount(staged.objectKey())).isZero();
  }

  private OrphanSweeper sweeper(Duration grace) {
    return new OrphanSweeper(pending, store, transactions, metrics, grace);
  }

  private long pendingCount(String key) {
    return jdbc.sql("SELECT count(*) FROM pending_objects WHERE object_key = ?").param(key).query(Long.class).single();
  }
}
