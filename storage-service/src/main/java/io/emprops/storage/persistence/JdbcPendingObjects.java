package io.emprops.storage.persistence;

import io.emprops.storage.domain.objects.PendingObjects;
import java.time.Duration;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

@Repository
class JdbcPendingObjects implements PendingObjects {

  private final JdbcClient jdbc;
  private final TransactionTemplate ownTransaction;

  JdbcPendingObjects(JdbcClient jdbc, PlatformTransactionManager transactions) {
    this.jdbc = jdbc;
    this.ownTransaction = new TransactionTemplate(transactions);
    this.ownTransaction.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
  }

  @Override
  public void record(String key) {
    ownTransaction.executeWithoutResult(status -> jdbc.sql("""
            INSERT INTO pending_objects (object_key) VALUES (:key)
            ON CONFLICT (object_key) DO UPDATE SET recorded_at = now()""")
        .param("key", key).update());
  }

  @Override
  public void forget(String key) {
    jdbc.sql("DELETE FROM pending_objects WHERE object_key = :key").param("key", key).update();
  }

  @Override
  public List<String> claimOrphans(Duration grace, int limit) {
    return jdbc.sql("""
            SELECT p.object_key FROM pending_objects p
            WHERE p.recorded_at <= now() - make_interval(secs => :graceSeconds)
              AND NOT EXISTS (SELECT 1 FROM assets a WHERE a.object_key = p.object_key AND a.deleted_at IS NULL)
            ORDER BY p.recorded_at
            LIMIT :limit
            FOR UPDATE OF p SKIP LOCKED""")
        .param("graceSeconds", grace.toMillis() / 1000.0)
        .param("limit", limit)
        .query(String.class).list();
  }

  @Override
  public int forgetOwned(Duration grace) {
    return jdbc.sql("""
            DELETE FROM pending_objects p
            WHERE p.recorded_at <= now() - make_interval(secs => :graceSeconds)
              AND EXISTS (SELECT 1 FROM assets a WHERE a.object_key = p.object_key AND a.deleted_at IS NULL)""")
        .param("graceSeconds", grace.toMillis() / 1000.0)
        .update();
  }

  @Override
  public long count() {
    return jdbc.sql("SELECT count(*) FROM pending_objects").query(Long.class).single();
  }
}
