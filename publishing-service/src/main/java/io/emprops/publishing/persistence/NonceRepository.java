package io.emprops.publishing.persistence;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The next nonce per chain and signer. */
@Repository
public class NonceRepository {

  private final JdbcClient jdbc;

  public NonceRepository(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  /**
   * Takes the next nonce: the stored one, or the chain's if the chain is ahead (another sender used
   * the key). The row stays locked until the caller's transaction ends, so two allocations never
   * meet, across instances too; a rolled-back allocation gives its nonce back.
   *
   * @param chainNext the signer's nonce as the chain sees it, its pool included
   */
  public long allocate(long chainId, String signer, long chainNext) {
    return jdbc.sql("""
            INSERT INTO signer_nonces (chain_id, signer, next_nonce) VALUES (:chain, :signer, :chainNext + 1)
            ON CONFLICT (chain_id, signer) DO UPDATE
            SET next_nonce = GREATEST(signer_nonces.next_nonce, :chainNext) + 1, updated_at = now()
            RETURNING next_nonce - 1""")
        .param("chain", chainId).param("signer", signer).param("chainNext", chainNext)
        .query(Long.class).single();
  }
}
