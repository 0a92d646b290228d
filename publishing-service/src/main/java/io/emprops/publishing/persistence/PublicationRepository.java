package io.emprops.publishing.persistence;

import io.emprops.events.contract.Blockchain;
import io.emprops.publishing.domain.publication.DeploymentPlan;
import io.emprops.publishing.domain.publication.Publication;
import io.emprops.publishing.domain.publication.PublicationStatus;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.databind.json.JsonMapper;

/**
 * Publication rows, one per collection. Every change after the row exists is a conditional UPDATE
 * of an active publication, so a late worker round cannot undo a terminal state.
 */
@Repository
public class PublicationRepository {

  private static final String SELECT = """
      SELECT p.*, t.broadcast_at IS NOT NULL AS current_broadcast
      FROM publications p LEFT JOIN publication_transactions t ON t.tx_hash = p.tx_hash
      """;

  private final JdbcClient jdbc;
  private final JsonMapper json;
  private final RowMapper<Publication> mapper;

  public PublicationRepository(JdbcClient jdbc, JsonMapper json) {
    this.jdbc = jdbc;
    this.json = json;
    this.mapper = this::map;
  }

  public Optional<Publication> find(UUID collectionId) {
    return jdbc.sql(SELECT + " WHERE p.collection_id = :id").param("id", collectionId).query(mapper).optional();
  }

  /** The row locked until the transaction ends: requests and rounds of one publication serialise. */
  public Optional<Publication> lock(UUID collectionId) {
    return jdbc.sql(SELECT + " WHERE p.collection_id = :id FOR UPDATE OF p").param("id", collectionId)
        .query(mapper).optional();
  }

  /** Pending and submitted publications of a chain, oldest first. */
  public List<Publication> active(String chainName, int limit) {
    return jdbc.sql(SELECT + " WHERE p.chain_name = :chain AND p.status IN ('pending', 'submitted')"
            + " ORDER BY p.created_at, p.collection_id LIMIT :limit")
        .param("chain", chainName).param("limit", limit).query(mapper).list();
  }

  /** Creates the publication, or starts a new attempt of a failed one (same row: one per collection). */
  public void accept(UUID collectionId, String userId, Blockchain blockchain, String chainName, Long chainId,
      DeploymentPlan plan, long revision, Instant requestedAt) {
    jdbc.sql("""
            INSERT INTO publications (collection_id, user_id, status, blockchain, chain_name, chain_id, plan,
                revision, requested_at)
            VALUES (:id, :user, 'pending', :blockchain, :chain, :chainId, CAST(:plan AS jsonb), :revision, :requestedAt)
            ON CONFLICT (collection_id) DO UPDATE SET
                status = 'pending', user_id = EXCLUDED.user_id, blockchain = EXCLUDED.blockchain,
                chain_name = EXCLUDED.chain_name, chain_id = EXCLUDED.chain_id, plan = EXCLUDED.plan,
                revision = EXCLUDED.revision, requested_at = EXCLUDED.requested_at,
                signer = NULL, nonce = NULL, contract_address = NULL, tx_hash = NULL, block_number = NULL,
                block_hash = NULL, confirmations = 0, failure_code = NULL, error = NULL,
                submitted_at = NULL, confirmed_at = NULL, version = publications.version + 1, updated_at = now()
            WHERE publications.status = 'failed'""")
        .param("id", collectionId).param("user", userId).param("blockchain", blockchain.name())
        .param("chain", chainName).param("chainId", chainId).param("plan", plan == null ? null : json.writeValueAsString(plan))
        .param("revision", revision).param("requestedAt", Timestamp.from(requestedAt))
        .update();
  }

  /** A new transaction became current (first signature, replacement, new nonce). */
  public void signed(UUID collectionId, String signer, long nonce, String txHash, String contractAddress) {
    update(collectionId, """
        signer = :signer, nonce = :nonce, tx_hash = :tx, contract_address = :contract""",
        q -> q.param("signer", signer).param("nonce", nonce).param("tx", txHash).param("contract", contractAddress));
  }

  /** The current transaction reached the node. */
  public void submitted(UUID collectionId) {
    update(collectionId, "status = 'submitted', submitted_at = coalesce(submitted_at, now())", q -> q);
  }

  /** Mined (in a canonical block, for now) by {@code txHash}, which may be an earlier attempt. */
  public void mined(UUID collectionId, String txHash, String contractAddress, long nonce, long blockNumber,
      String blockHash, int confirmations) {
    update(collectionId, """
        status = 'submitted', submitted_at = coalesce(submitted_at, now()), tx_hash = :tx, contract_address = :contract,
        nonce = :nonce, block_number = :block, block_hash = :blockHash, confirmations = :confirmations""",
        q -> q.param("tx", txHash).param("contract", contractAddress).param("nonce", nonce).param("block", blockNumber)
            .param("blockHash", blockHash).param("confirmations", confirmations));
  }

  /** A reorganisation took the block holding the deployment away. */
  public void unmined(UUID collectionId) {
    update(collectionId, "block_number = NULL, block_hash = NULL, confirmations = 0", q -> q);
  }

  /** The nonce went to another transaction for good: the next round signs again with a new one. */
  public void nonceLost(UUID collectionId) {
    update(collectionId, "tx_hash = NULL, nonce = NULL, contract_address = NULL", q -> q);
  }

  public boolean confirmed(UUID collectionId, int confirmations) {
    return update(collectionId, "status = 'confirmed', confirmations = :confirmations, confirmed_at = now()",
        q -> q.param("confirmations", confirmations)) == 1;
  }

  /** Ends an active publication, or records one that failed before it could start. */
  public boolean failed(UUID collectionId, String code, String error) {
    return update(collectionId, "status = 'failed', failure_code = :code, error = :error",
        q -> q.param("code", code).param("error", error)) == 1;
  }

  private int update(UUID collectionId, String set, java.util.function.UnaryOperator<JdbcClient.StatementSpec> params) {
    return params.apply(jdbc.sql("UPDATE publications SET " + set + ", version = version + 1, updated_at = now()"
            + " WHERE collection_id = :id AND status IN ('pending', 'submitted')")
        .param("id", collectionId)).update();
  }

  private Publication map(ResultSet rs, int row) throws SQLException {
    String plan = rs.getString("plan");
    return new Publication(
        rs.getObject("collection_id", UUID.class),
        rs.getString("user_id"),
        PublicationStatus.fromWire(rs.getString("status")),
        Blockchain.valueOf(rs.getString("blockchain")),
        rs.getString("chain_name"),
        (Long) rs.getObject("chain_id"),
        rs.getString("signer"),
        (Long) rs.getObject("nonce"),
        rs.getString("contract_address"),
        rs.getString("tx_hash"),
        rs.getBoolean("current_broadcast"),
        (Long) rs.getObject("block_number"),
        rs.getString("block_hash"),
        rs.getInt("confirmations"),
        rs.getString("failure_code"),
        rs.getString("error"),
        plan == null ? null : json.readValue(plan, DeploymentPlan.class),
        rs.getLong("revision"),
        instant(rs, "requested_at"),
        instant(rs, "submitted_at"),
        instant(rs, "confirmed_at"),
        instant(rs, "updated_at"));
  }

  private static Instant instant(ResultSet rs, String column) throws SQLException {
    Timestamp t = rs.getTimestamp(column);
    return t == null ? null : t.toInstant();
  }
}
