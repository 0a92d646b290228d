package io.emprops.collections.persistence;

import io.emprops.collections.domain.PublicationState;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The read model of what the publishing service reported for each collection. */
@Repository
public class PublicationRepository {

  private final JdbcClient jdbc;

  public PublicationRepository(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  /** A new request starts from a clean slate, also after a failed attempt. */
  public void requested(UUID collectionId) {
    jdbc.sql("""
            INSERT INTO publications (collection_id, status) VALUES (:collection, 'pending')
            ON CONFLICT (collection_id) DO UPDATE
            SET status = 'pending', contract_address = NULL, tx_hash = NULL, error = NULL, updated_at = now()""")
        .param("collection", collectionId).update();
  }

  /** The deployment transaction is on its way; only a pending publication shows it. */
  public void submitted(UUID collectionId, String contractAddress, String txHash) {
    jdbc.sql("""
            UPDATE publications SET contract_address = :contract, tx_hash = :tx, updated_at = now()
            WHERE collection_id = :collection AND status = 'pending'""")
        .param("collection", collectionId).param("contract", contractAddress).param("tx", txHash).update();
  }

  public void confirmed(UUID collectionId, String contractAddress, String txHash) {
    jdbc.sql("""
            UPDATE publications SET status = 'confirmed', contract_address = :contract, tx_hash = :tx,
                error = NULL, updated_at = now()
            WHERE collection_id = :collection""")
        .param("collection", collectionId).param("contract", contractAddress).param("tx", txHash).update();
  }

  public void failed(UUID collectionId, String error) {
    jdbc.sql("UPDATE publications SET status = 'failed', error = :error, updated_at = now() WHERE collection_id = :collection")
        .param("collection", collectionId).param("error", error).update();
  }

  public Optional<PublicationState> find(UUID collectionId) {
    return jdbc.sql("SELECT * FROM publications WHERE collection_id = :collection")
        .param("collection", collectionId)
        .query((rs, n) -> new PublicationState(rs.getString("status"), rs.getString("contract_address"),
            rs.getString("tx_hash"), rs.getString("error"), JsonColumns.instant(rs, "updated_at")))
        .optional();
  }
}
