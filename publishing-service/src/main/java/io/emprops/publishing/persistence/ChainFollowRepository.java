package io.emprops.publishing.persistence;

import io.emprops.events.contract.Blockchain;
import io.emprops.publishing.chain.EvmNode.BlockLink;
import io.emprops.publishing.domain.mint.ChainCursor;
import io.emprops.publishing.domain.mint.FollowedCollection;
import io.emprops.publishing.domain.mint.MintedToken;
import java.sql.Timestamp;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The chain follower's rows: the cursor and applied block hashes per chain, the followed
 * collections, and the token rows it creates. Writes that move a cursor are conditional on the
 * cursor the caller read, so a follower that lost its lock cannot apply a range twice.
 */
@Repository
public class ChainFollowRepository {

  private final JdbcClient jdbc;

  public ChainFollowRepository(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  /** Starts following every confirmed publication of the chain not followed yet, from its deployment block. */
  public int followConfirmed(long chainId) {
    return jdbc.sql("""
            INSERT INTO followed_collections (collection_id, chain_id, contract_address, followed_to)
            SELECT collection_id, chain_id, lower(contract_address), block_number - 1
            FROM publications
            WHERE status = 'confirmed' AND chain_id = :chain AND contract_address IS NOT NULL
              AND block_number IS NOT NULL
            ON CONFLICT (collection_id) DO NOTHING""")
        .param("chain", chainId).update();
  }

  public List<FollowedCollection> followed(long chainId) {
    return jdbc.sql("""
            SELECT f.collection_id, p.user_id, p.blockchain, f.chain_id, p.contract_address, f.followed_to
            FROM followed_collections f JOIN publications p ON p.collection_id = f.collection_id
            WHERE f.chain_id = :chain ORDER BY f.followed_to, f.collection_id""")
        .param("chain", chainId)
        .query((rs, n) -> new FollowedCollection(rs.getObject("collection_id", UUID.class), rs.getString("user_id"),
            Blockchain.valueOf(rs.getString("blockchain")), rs.getLong("chain_id"), rs.getString("contract_address"),
            rs.getLong("followed_to")))
        .list();
  }

  public Optional<ChainCursor> cursor(long chainId) {
    return jdbc.sql("SELECT chain_id, block_number, block_hash FROM chain_cursors WHERE chain_id = :chain")
        .param("chain", chainId)
        .query((rs, n) -> new ChainCursor(rs.getLong(1), rs.getLong(2), rs.getString(3))).optional();
  }

  /**
   * Places the cursor at {@code block} (nothing below it needs checking: no followed collection
   * is behind it), forgetting older hashes. Conditional on the cursor being {@code expected}.
   */
  public boolean startAt(long chainId, Optional<ChainCursor> expected, BlockLink block) {
    int changed;
    if (expected.isEmpty()) {
      changed = jdbc.sql("""
              INSERT INTO chain_cursors (chain_id, block_number, block_hash) VALUES (:chain, :n, :hash)
              ON CONFLICT (chain_id) DO NOTHING""")
          .param("chain", chainId).param("n", block.number()).param("hash", block.hash()).update();
    } else {
      changed = moveCursor(expected.get(), block.number(), block.hash());
    }
    if (changed == 0) {
      return false;
    }
    jdbc.sql("DELETE FROM chain_blocks WHERE chain_id = :chain").param("chain", chainId).update();
    insertBlocks(chainId, List.of(block));
    return true;
  }

  /** Moves the cursor from {@code expected} to {@code number}; false when another follower moved it. */
  public boolean advance(ChainCursor expected, List<BlockLink> applied, int window) {
    BlockLink last = applied.getLast();
    if (moveCursor(expected, last.number(), last.hash()) == 0) {
      return false;
    }
    insertBlocks(expected.chainId(), applied);
    jdbc.sql("DELETE FROM chain_blocks WHERE chain_id = :chain AND block_number <= :below")
        .param("chain", expected.chainId()).param("below", last.number() - window).update();
    return true;
  }

  private int moveCursor(ChainCursor expected, long number, String hash) {
    return jdbc.sql("""
            UPDATE chain_cursors SET block_number = :n, block_hash = :hash, updated_at = now()
            WHERE chain_id = :chain AND block_number = :was AND block_hash = :wasHash""")
        .param("n", number).param("hash", hash).param("chain", expected.chainId())
        .param("was", expected.blockNumber()).param("wasHash", expected.blockHash()).update();
  }

  private void insertBlocks(long chainId, List<BlockLink> blocks) {
    for (BlockLink b : blocks) {
      jdbc.sql("""
              INSERT INTO chain_blocks (chain_id, block_number, block_hash, parent_hash)
              VALUES (:chain, :n, :hash, :parent)
              ON CONFLICT (chain_id, block_number) DO UPDATE
                  SET block_hash = EXCLUDED.block_hash, parent_hash = EXCLUDED.parent_hash, applied_at = now()""")
          .param("chain", chainId).param("n", b.number()).param("hash", b.hash()).param("parent", b.parentHash())
          .update();
    }
  }

  /** The applied blocks kept for the chain, newest first. */
  public List<BlockLink> appliedBlocks(long chainId) {
    return jdbc.sql("""
            SELECT block_number, block_hash, parent_hash FROM chain_blocks WHERE chain_id = :chain
            ORDER BY block_number DESC""")
        .param("chain", chainId)
        .query((rs, n) -> new BlockLink(rs.getLong(1), rs.getString(2), rs.getString(3), 0)).list();
  }

  /** Marks the collections' logs read up to {@code to} (never backwards); false when one had moved. */
  public boolean followedTo(UUID collectionId, long expected, long to) {
    return jdbc.sql("""
            UPDATE followed_collections SET followed_to = :to, updated_at = now()
            WHERE collection_id = :id AND followed_to = :expected""")
        .param("to", to).param("id", collectionId).param("expected", expected).update() == 1;
  }

  /** Marks the collections read at least up to {@code to} (those whose logs a range just read). */
  public void followedTo(List<UUID> collectionIds, long to) {
    if (collectionIds.isEmpty()) {
      return;
    }
    jdbc.sql("""
            UPDATE followed_collections SET followed_to = :to, updated_at = now()
            WHERE collection_id IN (:ids) AND followed_to < :to""")
        .param("to", to).param("ids", collectionIds).update();
  }

  /** The token row of a confirmed mint; false when it exists already (a replay). */
  public boolean insertToken(MintedToken t, UUID jobId) {
    return jdbc.sql("""
            INSERT INTO tokens (collection_id, token_id, user_id, chain_id, contract_address, owner, hash, tx_hash,
                block_number, block_hash, minted_at, job_id)
            VALUES (:collection, :token, :user, :chain, :contract, :owner, :hash, :tx, :block, :blockHash, :mintedAt,
                :job)
            ON CONFLICT DO NOTHING""")
        .param("collection", t.collectionId()).param("token", t.tokenId()).param("user", t.userId())
        .param("chain", t.chainId()).param("contract", t.contractAddress()).param("owner", t.owner())
        .param("hash", t.hash()).param("tx", t.txHash()).param("block", t.blockNumber())
        .param("blockHash", t.blockHash()).param("mintedAt", Timestamp.from(t.mintedAt())).param("job", jobId)
        .update() == 1;
  }

  /**
   * Undoes what the blocks above {@code ancestor} applied: their token rows, hashes, the cursor
   * (back to {@code ancestor}) and how far each collection was read. Conditional on the cursor.
   *
   * @return the token rows removed, or -1 when another follower moved the cursor
   */
  public int rollBack(ChainCursor expected, BlockLink ancestor) {
    if (moveCursor(expected, ancestor.number(), ancestor.hash()) == 0) {
      return -1;
    }
    long chainId = expected.chainId();
    int tokens = jdbc.sql("DELETE FROM tokens WHERE chain_id = :chain AND block_number > :n")
        .param("chain", chainId).param("n", ancestor.number()).update();
    jdbc.sql("DELETE FROM chain_blocks WHERE chain_id = :chain AND block_number > :n")
        .param("chain", chainId).param("n", ancestor.number()).update();
    jdbc.sql("""
            UPDATE followed_collections SET followed_to = :n, updated_at = now()
            WHERE chain_id = :chain AND followed_to > :n""")
        .param("chain", chainId).param("n", ancestor.number()).update();
    return tokens;
  }
}
