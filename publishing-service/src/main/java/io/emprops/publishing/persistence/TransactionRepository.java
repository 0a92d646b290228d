package io.emprops.publishing.persistence;

import io.emprops.publishing.chain.Fees;
import io.emprops.publishing.chain.SignedTransaction;
import io.emprops.publishing.domain.publication.StoredTransaction;
import java.math.BigDecimal;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Signed deployment transactions, stored before they are broadcast. */
@Repository
public class TransactionRepository {

  private static final RowMapper<StoredTransaction> MAPPER = (rs, n) -> new StoredTransaction(
      rs.getString("tx_hash"),
      rs.getObject("collection_id", UUID.class),
      rs.getLong("chain_id"),
      rs.getString("signer"),
      rs.getBigDecimal("nonce").toBigIntegerExact(),
      rs.getBigDecimal("gas_limit").toBigIntegerExact(),
      new Fees(rs.getBigDecimal("max_fee_per_gas").toBigIntegerExact(),
          rs.getBigDecimal("max_priority_fee_per_gas").toBigIntegerExact()),
      rs.getString("raw"),
      rs.getString("contract_address"),
      rs.getTimestamp("signed_at").toInstant(),
      rs.getTimestamp("broadcast_at") == null ? null : rs.getTimestamp("broadcast_at").toInstant());

  private final JdbcClient jdbc;

  public TransactionRepository(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  public void insert(UUID collectionId, long chainId, SignedTransaction tx) {
    jdbc.sql("""
            INSERT INTO publication_transactions (tx_hash, collection_id, chain_id, signer, nonce, gas_limit,
                max_fee_per_gas, max_priority_fee_per_gas, raw, contract_address)
            VALUES (:hash, :collection, :chain, :signer, :nonce, :gas, :maxFee, :tip, :raw, :contract)""")
        .param("hash", tx.hash()).param("collection", collectionId).param("chain", chainId)
        .param("signer", tx.signer()).param("nonce", tx.nonce().longValueExact())
        .param("gas", new BigDecimal(tx.gasLimit())).param("maxFee", new BigDecimal(tx.fees().maxFeePerGas()))
        .param("tip", new BigDecimal(tx.fees().maxPriorityFeePerGas())).param("raw", tx.raw())
        .param("contract", tx.contractAddress())
        .update();
  }

  /** @return true the first time: the transaction had not been broadcast before */
  public boolean markBroadcast(String txHash) {
    return jdbc.sql("UPDATE publication_transactions SET broadcast_at = now() WHERE tx_hash = :hash AND broadcast_at IS NULL")
        .param("hash", txHash).update() == 1;
  }

  public Optional<StoredTransaction> find(String txHash) {
    return jdbc.sql("SELECT * FROM publication_transactions WHERE tx_hash = :hash").param("hash", txHash)
        .query(MAPPER).optional();
  }

  /** Every transaction signed for a collection, newest first. */
  public List<StoredTransaction> of(UUID collectionId) {
    return jdbc.sql("SELECT * FROM publication_transactions WHERE collection_id = :id ORDER BY signed_at DESC, tx_hash")
        .param("id", collectionId).query(MAPPER).list();
  }

  /** Deployments with this nonce: more than one collection on one nonce would be a bug (tests check it). */
  public long collectionsOnNonce(long chainId, String signer, long nonce) {
    return jdbc.sql("""
            SELECT count(DISTINCT collection_id) FROM publication_transactions
            WHERE chain_id = :chain AND signer = :signer AND nonce = :nonce""")
        .param("chain", chainId).param("signer", signer).param("nonce", nonce).query(Long.class).single();
  }

}
