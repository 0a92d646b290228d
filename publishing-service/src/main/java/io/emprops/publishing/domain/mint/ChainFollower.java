package io.emprops.publishing.domain.mint;

import io.emprops.events.contract.TokenMinted;
import io.emprops.publishing.chain.ChainSpec;
import io.emprops.publishing.chain.CollectionEvents;
import io.emprops.publishing.chain.CollectionEvents.Mint;
import io.emprops.publishing.chain.EvmNode;
import io.emprops.publishing.chain.EvmNode.BlockLink;
import io.emprops.publishing.chain.EvmNode.LogEntry;
import io.emprops.publishing.persistence.ChainFollowRepository;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Reads the mints of one chain's confirmed collections, in rounds, and applies each block once it
 * has the chain's confirmation depth ({@code head - confirmations + 1 >= block}).
 *
 * <p>A round: start following newly confirmed collections (from their deployment block); check
 * that the block at the cursor is still the node's (else walk back to the common ancestor and roll
 * back what the removed blocks applied); read a collection that was confirmed after the cursor
 * passed its deployment block up to the cursor; then read the next confirmed range for all
 * collections at the cursor, checking that the range links to the cursor's hash and that every
 * log is of the blocks read. A range's token rows, their {@code TokenMinted} events, the block
 * hashes and the cursor advance commit in one transaction, conditional on the cursor the round
 * read: a replay inserts nothing twice and announces nothing twice.
 *
 * <p>Since only confirmed blocks are applied, a reorganisation shallower than the confirmation
 * depth never reaches the rows; a deeper one is an incident: logged at ERROR and counted.
 */
final class ChainFollower {

  private static final Logger log = LoggerFactory.getLogger(ChainFollower.class);

  private final ChainSpec chain;
  private final EvmNode node;
  private final ChainFollowRepository store;
  private final MintNotifications notifications;
  private final TransactionTemplate transaction;
  private final MintMetrics metrics;
  private final MintFollowing settings;

  ChainFollower(ChainSpec chain, EvmNode node, ChainFollowRepository store, MintNotifications notifications,
      TransactionTemplate transaction, MintMetrics metrics, MintFollowing settings) {
    this.chain = chain;
    this.node = node;
    this.store = store;
    this.notifications = notifications;
    this.transaction = transaction;
    this.metrics = metrics;
    this.settings = settings;
  }

  ChainSpec chain() {
    return chain;
  }

  /**
   * One round.
   *
   * @return true when there is more to read now (a range was capped, a collection is behind, a
   *     reorganisation was rolled back or the chain moved under the round)
   */
  boolean round() {
    long chainId = chain.chainId();
    transaction.executeWithoutResult(s -> store.followConfirmed(chainId));
    List<FollowedCollection> followed = store.followed(chainId);
    long head = node.blockNumber();
    long safe = head - chain.confirmations() + 1;
    if (followed.isEmpty()) {
      metrics.lag(chain.name(), 0);
      return false;
    }

    Optional<ChainCursor> stored = store.cursor(chainId);
    long lowest = followed.stream().mapToLong(FollowedCollection::followedTo).min().orElseThrow();
    if (stored.isEmpty() || stored.get().blockNumber() < lowest) {
      // Nothing before `lowest` is of interest: the cursor starts (or jumps) there.
      Optional<BlockLink> start = node.blockLink(lowest);
      if (start.isEmpty()) {
        return false; // the node is behind the database (a node switch); wait for it
      }
      transaction.executeWithoutResult(s -> {
        if (!store.startAt(chainId, stored, start.get())) {
          s.setRollbackOnly();
        }
      });
      return true;
    }
    ChainCursor cursor = stored.get();

    if (head < cursor.blockNumber()) {
      // A node behind what was applied (another node behind a load balancer, a resync): not a
      // reorganisation; nothing is rolled back on its word.
      log.warn("Chain follower of {}: the node's head {} is below the applied block {}; waiting for it", chain.name(),
          head, cursor.blockNumber());
      metrics.lag(chain.name(), 0);
      return false;
    }
    Optional<BlockLink> atCursor = node.blockLink(cursor.blockNumber());
    if (atCursor.isEmpty()) {
      return false;
    }
    if (!atCursor.get().hash().equalsIgnoreCase(cursor.blockHash())) {
      rollBack(cursor, head);
      return true;
    }

    boolean more = false;
    for (FollowedCollection behind : followed) {
      if (behind.followedTo() < cursor.blockNumber()) {
        more |= catchUp(behind, cursor.blockNumber());
      }
    }

    if (cursor.blockNumber() < safe) {
      long from = cursor.blockNumber() + 1;
      long to = Math.min(safe, cursor.blockNumber() + settings.maxBlockRange());
      List<FollowedCollection> current = followed.stream()
          .filter(f -> f.followedTo() >= cursor.blockNumber()).toList();
      more |= advance(cursor, from, to, current) && to < safe;
      long applied = store.cursor(chainId).map(ChainCursor::blockNumber).orElse(cursor.blockNumber());
      metrics.lag(chain.name(), Math.max(0, safe - applied));
    } else {
      metrics.lag(chain.name(), 0);
    }
    return more;
  }

  /** Applies blocks {@code from … to} to the collections at the cursor; false when the chain moved under it. */
  private boolean advance(ChainCursor cursor, long from, long to, List<FollowedCollection> collections) {
    List<BlockLink> blocks = node.blockLinks(from, to);
    if (blocks.size() != to - from + 1) {
      log.info("Chain follower of {}: blocks {}..{} not all there; reading again next round", chain.name(), from, to);
      return false;
    }
    String parent = cursor.blockHash();
    for (BlockLink block : blocks) {
      if (!block.parentHash().equalsIgnoreCase(parent)) {
        log.info("Chain follower of {}: block {} does not link to {} (a reorganisation under way); reading again",
            chain.name(), block.number(), parent);
        return true;
      }
      parent = block.hash();
    }
    List<Mint> mints = collections.isEmpty() ? List.of() : mints(collections, from, to, blocks);
    if (mints == null) {
      return true;
    }
    List<MintedToken> tokens = tokens(mints, collections, blocks);
    Integer announced = transaction.execute(s -> {
      if (!store.advance(cursor, blocks, settings.blockWindow())) {
        s.setRollbackOnly();
        return -1;
      }
      store.followedTo(collections.stream().map(FollowedCollection::collectionId).toList(), to);
      return apply(tokens);
    });
    if (announced == null || announced < 0) {
      log.info("Chain follower of {}: the cursor moved under this round (another follower); nothing applied",
          chain.name());
      return false;
    }
    metrics.blocks(chain.name(), blocks.size());
    metrics.announced(chain.name(), announced);
    return true;
  }

  /** Reads a collection confirmed after the cursor passed its deployment block, up to the cursor. */
  private boolean catchUp(FollowedCollection collection, long cursorBlock) {
    long from = collection.followedTo() + 1;
    long to = Math.min(cursorBlock, collection.followedTo() + settings.maxBlockRange());
    TreeSet<Long> numbers = new TreeSet<>();
    List<LogEntry> logs = node.logs(from, to, List.of(collection.contractAddress()), CollectionEvents.MINT_TOPICS);
    logs.forEach(l -> numbers.add(l.blockNumber()));
    List<BlockLink> blocks = new ArrayList<>();
    for (long n : numbers) {
      Optional<BlockLink> block = node.blockLink(n);
      if (block.isEmpty()) {
        return false;
      }
      blocks.add(block.get());
    }
    Map<Long, BlockLink> byNumber = new HashMap<>();
    blocks.forEach(b -> byNumber.put(b.number(), b));
    for (LogEntry l : logs) {
      if (l.removed() || !l.blockHash().equalsIgnoreCase(byNumber.get(l.blockNumber()).hash())) {
        return false; // the chain moved under the round: the next one checks the cursor again
      }
    }
    List<MintedToken> tokens = tokens(CollectionEvents.mints(logs), List.of(collection), blocks);
    Integer announced = transaction.execute(s -> {
      if (!store.followedTo(collection.collectionId(), collection.followedTo(), to)) {
        s.setRollbackOnly();
        return -1;
      }
      return apply(tokens);
    });
    if (announced == null || announced < 0) {
      return false;
    }
    metrics.announced(chain.name(), announced);
    log.info("Chain follower of {}: collection {} read from block {} to {} ({} mints)", chain.name(),
        collection.collectionId(), from, to, tokens.size());
    return to < cursorBlock;
  }

  /** The range's mints, or null when a log is not of the blocks read (the chain moved). */
  private List<Mint> mints(List<FollowedCollection> collections, long from, long to, List<BlockLink> blocks) {
    List<String> addresses = collections.stream().map(c -> c.contractAddress().toLowerCase(Locale.ROOT)).distinct()
        .toList();
    List<LogEntry> logs = node.logs(from, to, addresses, CollectionEvents.MINT_TOPICS);
    for (LogEntry l : logs) {
      int index = (int) (l.blockNumber() - from);
      if (l.removed() || index < 0 || index >= blocks.size()
          || !l.blockHash().equalsIgnoreCase(blocks.get(index).hash())) {
        log.info("Chain follower of {}: a log of block {} is not of the block read; reading again", chain.name(),
            l.blockNumber());
        return null;
      }
    }
    return CollectionEvents.mints(logs);
  }

  private List<MintedToken> tokens(List<Mint> mints, List<FollowedCollection> collections, List<BlockLink> blocks) {
    Map<String, FollowedCollection> byAddress = new HashMap<>();
    collections.forEach(c -> byAddress.put(c.contractAddress().toLowerCase(Locale.ROOT), c));
    Map<Long, BlockLink> byNumber = new HashMap<>();
    blocks.forEach(b -> byNumber.put(b.number(), b));
    List<MintedToken> tokens = new ArrayList<>();
    for (Mint m : mints) {
      FollowedCollection c = byAddress.get(m.contractAddress());
      if (c == null || m.blockNumber() <= c.followedTo()) {
        continue;
      }
      BlockLink block = byNumber.get(m.blockNumber());
      tokens.add(new MintedToken(c.collectionId(), c.userId(), c.blockchain(), chain.chainId(),
          c.contractAddress(), m.tokenId(), m.owner(), m.hash(), m.txHash(),
          m.blockNumber(), block.hash(), Instant.ofEpochSecond(block.timestamp())));
    }
    return tokens;
  }

  /** In the caller's transaction: a token row and its announcement per mint not applied before. */
  private int apply(List<MintedToken> tokens) {
    int announced = 0;
    for (MintedToken token : tokens) {
      if (store.insertToken(token, TokenMinted.generationJobIdOf(token.collectionId(), token.tokenId(), token.hash()))) {
        notifications.minted(token);
        announced++;
      }
    }
    return announced;
  }

  /**
   * The block at the cursor is no longer the node's: a reorganisation deeper than the confirmation
   * depth. Walks back over the kept hashes to the newest block the node still has and undoes the
   * blocks above it; their mints are read again from the new chain.
   */
  private void rollBack(ChainCursor cursor, long head) {
    BlockLink ancestor = null;
    List<BlockLink> applied = store.appliedBlocks(chain.chainId());
    for (BlockLink kept : applied) {
      if (kept.number() >= cursor.blockNumber()) {
        continue;
      }
      Optional<BlockLink> now = node.blockLink(kept.number());
      if (now.isPresent() && now.get().hash().equalsIgnoreCase(kept.hash())) {
        ancestor = now.get();
        break;
      }
    }
    if (ancestor == null) {
      // Deeper than the kept window: start again below the oldest kept block, unverified.
      long below = (applied.isEmpty() ? cursor.blockNumber() : applied.getLast().number()) - 1;
      ancestor = node.blockLink(Math.max(0, below)).orElseThrow(() -> new IllegalStateException(
          chain.name() + ": no block " + below + " to roll back to"));
      log.error("Chain follower of {}: no common ancestor within the {} kept blocks; rolling back to block {}",
          chain.name(), applied.size(), ancestor.number());
    }
    BlockLink to = ancestor;
    long depth = cursor.blockNumber() - to.number();
    Integer removed = transaction.execute(s -> {
      int n = store.rollBack(cursor, to);
      if (n < 0) {
        s.setRollbackOnly();
      }
      return n;
    });
    if (removed == null || removed < 0) {
      return;
    }
    metrics.reorg(chain.name(), depth);
    log.error("Chain follower of {}: reorganisation of {} blocks, deeper than the confirmation depth {}: blocks "
            + "{}..{} (head {}) were replaced after they were applied; cursor back to {} ({}), {} token rows of them "
            + "removed (their TokenMinted were announced already); their mints are read again from the new chain",
        chain.name(), depth, chain.confirmations(), to.number() + 1, cursor.blockNumber(), head, to.number(),
        to.hash(), removed);
  }
}
