package io.emprops.collections.persistence;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The read model of the publishing service's chain announcements, the latest per blockchain. */
@Repository
public class PublishableChainRepository {

  private final JdbcClient jdbc;

  public PublishableChainRepository(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  /** Keeps the announcement unless a later one is already there. */
  public void announced(String blockchain, boolean enabled, String network, Long chainId, String reason,
      Instant announcedAt) {
    jdbc.sql("""
            INSERT INTO publishable_chains (blockchain, enabled, network, chain_id, reason, announced_at)
            VALUES (:blockchain, :enabled, :network, :chainId, :reason, :at)
            ON CONFLICT (blockchain) DO UPDATE SET enabled = EXCLUDED.enabled, network = EXCLUDED.network,
                chain_id = EXCLUDED.chain_id, reason = EXCLUDED.reason, announced_at = EXCLUDED.announced_at
            WHERE publishable_chains.announced_at <= EXCLUDED.announced_at""")
        .param("blockchain", blockchain).param("enabled", enabled).param("network", network)
        .param("chainId", chainId).param("reason", reason).param("at", Timestamp.from(announcedAt))
        .update();
  }

  /** Why {@code blockchain} cannot be published, if publishing said so; empty when it can or never said. */
  public Optional<String> refusal(String blockchain) {
    return jdbc.sql("SELECT coalesce(reason, 'publishing is disabled') FROM publishable_chains"
            + " WHERE blockchain = :blockchain AND NOT enabled")
        .param("blockchain", blockchain).query(String.class).optional();
  }
}
