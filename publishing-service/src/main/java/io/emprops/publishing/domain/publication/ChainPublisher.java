package io.emprops.publishing.domain.publication;

import io.emprops.publishing.chain.ChainSpec;
import io.emprops.publishing.chain.CollectionContract;
import io.emprops.publishing.chain.EvmNode;
import io.emprops.publishing.chain.EvmNode.BlockHeader;
import io.emprops.publishing.chain.EvmNode.BroadcastOutcome;
import io.emprops.publishing.chain.EvmNode.Receipt;
import io.emprops.publishing.chain.Fees;
import io.emprops.publishing.chain.SignedTransaction;
import io.emprops.publishing.chain.TransactionSigner;
import io.emprops.publishing.chain.Wei;
import io.emprops.publishing.domain.publication.PublicationCheckpoints.Checkpoint;
import io.emprops.publishing.persistence.NonceRepository;
import io.emprops.publishing.persistence.PublicationRepository;
import io.emprops.publishing.persistence.TransactionRepository;
import java.math.BigInteger;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The publication saga on one chain, in rounds. Each round reads the chain's active publications
 * and moves each one step, committing every step before the next external effect:
 *
 * <ol>
 *   <li>no transaction: check fees, caps and funds (failing with nothing sent), take the next
 *       nonce, sign, store — one database transaction;
 *   <li>signed, not broadcast: broadcast the stored bytes, then record it ({@code submitted});
 *   <li>broadcast: find the receipt of any of its transactions, check that its block is still
 *       canonical, count confirmations; rebroadcast what a reorg or the node dropped; replace a
 *       stuck transaction with higher fees under the same nonce; sign again with a new nonce only
 *       when another transaction took the nonce for good.
 * </ol>
 *
 * A restart anywhere resumes from the row: a stored transaction is broadcast again byte for byte
 * (its hash, so the chain runs it at most once), and nothing signs a second nonce for a
 * publication while a transaction of its current nonce could still be mined.
 */
final class ChainPublisher {

  private static final Logger log = LoggerFactory.getLogger(ChainPublisher.class);
  /** Headroom over the estimate: a deployment's gas is deterministic, nodes' estimates are tight. */
  private static final int GAS_HEADROOM_PERCENT = 10;

  private final ChainSpec chain;
  private final EvmNode node;
  private final TransactionSigner signer;
  private final PublicationRepository publications;
  private final TransactionRepository transactions;
  private final NonceRepository nonces;
  private final PublicationNotifications notifications;
  private final TransactionTemplate transaction;
  private final PublicationCheckpoints checkpoints;
  private final PublicationMetrics metrics;
  private final Clock clock;
  private final URI metadataBase;
  private final int batchSize;
  /** Stuck transactions already reported, so the log says it once per transaction. */
  private final Set<String> reportedStuck = ConcurrentHashMap.newKeySet();
  private static final Duration FOLLOW_AT_LEAST_EVERY = Duration.ofSeconds(1);
  /** The head the last follow-up saw, and when it ran (only this publisher's thread touches them). */
  private String followedHead;
  private Instant followedAt = Instant.EPOCH;

  ChainPublisher(ChainSpec chain, EvmNode node, TransactionSigner signer, PublicationRepository publications,
      TransactionRepository transactions, NonceRepository nonces, PublicationNotifications notifications,
      TransactionTemplate transaction, PublicationCheckpoints checkpoints, PublicationMetrics metrics, Clock clock,
      URI metadataBase, int batchSize) {
    this.chain = chain;
    this.node = node;
    this.signer = signer;
    this.publications = publications;
    this.transactions = transactions;
    this.nonces = nonces;
    this.notifications = notifications;
    this.transaction = transaction;
    this.checkpoints = checkpoints;
    this.metrics = metrics;
    this.clock = clock;
    this.metadataBase = metadataBase;
    this.batchSize = batchSize;
  }

  ChainSpec chain() {
    return chain;
  }

  /** One round. @return how many publications are still in flight */
  int round() {
    List<Publication> active = publications.active(chain.name(), batchSize);
    metrics.inFlight(chain.name(), active.size());
    if (active.isEmpty()) {
      return 0;
    }
    BlockHeader head = node.latestBlock();
    List<Publication> unsigned = active.stream().filter(p -> !p.hasTransaction()).toList();
    if (!unsigned.isEmpty()) {
      sign(unsigned, head);
    }
    List<Unsent> unsent = new ArrayList<>();
    List<Publication> sent = new ArrayList<>();
    for (Publication publication : publications.active(chain.name(), batchSize)) {
      if (!publication.hasTransaction()) {
        continue; // failed to sign this round (caps), or its nonce was just lost
      }
      if (!publication.currentBroadcast()) {
        unsent.add(new Unsent(publication, transactions.find(publication.txHash()).orElseThrow()));
      } else {
        sent.add(publication);
      }
    }
    broadcast(unsent, head);
    // Nothing can have been mined or dropped while the head is the same block: follow on a new head
    // (a new hash also reveals a reorg at the same height), and at least every second for stuck ones.
    Instant now = clock.instant();
    if (!sent.isEmpty() && (!head.hash().equals(followedHead)
        || Duration.between(followedAt, now).compareTo(FOLLOW_AT_LEAST_EVERY) >= 0)) {
      Map<UUID, Optional<Mined>> mined = concurrently(sent, this::minedAttempt);
      for (Publication publication : sent) {
        follow(publication, mined.get(publication.collectionId()), head);
      }
      followedHead = head.hash();
      followedAt = now;
    }
    int left = publications.active(chain.name(), batchSize).size();
    metrics.inFlight(chain.name(), left);
    return left;
  }

  // ---- 1. sign -------------------------------------------------------------------------------

  /**
   * Signs every unsigned publication of the round: their gas estimated concurrently, their caps
   * checked, then nonces taken, transactions signed and stored in one database transaction (one
   * commit for the whole batch: fifty publications at once reach the pool within one block).
   */
  private void sign(List<Publication> unsigned, BlockHeader head) {
    long chainNext = node.pendingNonce(signer.address()).longValueExact();
    Fees fees = currentFees(head);
    BigInteger balance = node.balance(signer.address());
    List<Estimated> estimated = estimate(unsigned);
    List<Estimated> signable = new ArrayList<>();
    for (Estimated e : estimated) {
      Publication publication = e.publication();
      if (e.gas().reverts()) {
        fail(publication, FailureCode.DEPLOYMENT_WOULD_REVERT, "the chain says the deployment would revert: "
            + e.gas().revertReason());
        continue;
      }
      Optional<String> overCap = overCap(head, fees, e.gas().gas());
      if (overCap.isPresent()) {
        fail(publication, FailureCode.FEE_CAP_EXCEEDED, overCap.get());
        continue;
      }
      BigInteger worst = fees.worstCost(e.gasLimit());
      if (balance.compareTo(worst) < 0) {
        fail(publication, FailureCode.INSUFFICIENT_FUNDS, "the signer " + signer.address() + " holds "
            + Wei.ether(balance) + ", the deployment may cost up to " + Wei.ether(worst));
        continue;
      }
      balance = balance.subtract(worst);
      signable.add(e);
    }
    if (signable.isEmpty()) {
      return;
    }
    List<SignedTransaction> signed = transaction.execute(status -> {
      List<SignedTransaction> batch = new ArrayList<>();
      for (Estimated e : signable) {
        long nonce = nonces.allocate(chain.chainId(), signer.address(), chainNext);
        SignedTransaction tx = signer.signDeployment(chain.chainId(), BigInteger.valueOf(nonce), e.gasLimit(),
            e.data(), fees);
        store(e.publication(), tx);
        batch.add(tx);
      }
      return batch;
    });
    for (int i = 0; i < signed.size(); i++) {
      SignedTransaction tx = signed.get(i);
      UUID collectionId = signable.get(i).publication().collectionId();
      metrics.transaction("signed");
      log.info("Collection {}: deployment signed on {} (nonce {}, tx {}, contract {})", collectionId, chain.name(),
          tx.nonce(), tx.hash(), tx.contractAddress());
      checkpoints.reached(Checkpoint.AFTER_SIGNING, collectionId);
    }
  }

  private record Estimated(Publication publication, String data, EvmNode.GasEstimate gas) {
    BigInteger gasLimit() {
      return gas.gas().multiply(BigInteger.valueOf(100 + GAS_HEADROOM_PERCENT)).divide(BigInteger.valueOf(100));
    }
  }

  /** Every publication's deployment data and gas, the estimates made concurrently. */
  private List<Estimated> estimate(List<Publication> unsigned) {
    Map<UUID, Estimated> estimated = concurrently(unsigned, publication -> {
      String data = deploymentData(publication);
      return new Estimated(publication, data, node.estimateDeployment(signer.address(), data));
    });
    return unsigned.stream().map(p -> estimated.get(p.collectionId())).toList();
  }

  /**
   * {@code call} for each publication at once, on virtual threads: the node answers each request
   * in about a millisecond, the round trip is what a burst of publications waits for.
   */
  private <T> Map<UUID, T> concurrently(List<Publication> publications, Function<Publication, T> call) {
    try (ExecutorService concurrent = Executors.newVirtualThreadPerTaskExecutor()) {
      Map<UUID, Future<T>> futures = new LinkedHashMap<>();
      for (Publication publication : publications) {
        futures.put(publication.collectionId(), concurrent.submit(() -> call.apply(publication)));
      }
      Map<UUID, T> results = new LinkedHashMap<>();
      for (Map.Entry<UUID, Future<T>> future : futures.entrySet()) {
        results.put(future.getKey(), future.getValue().get());
      }
      return results;
    } catch (ExecutionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while reading the chain", e);
    }
  }

  private void store(Publication publication, SignedTransaction tx) {
    transactions.insert(publication.collectionId(), chain.chainId(), tx);
    publications.signed(publication.collectionId(), tx.signer(), tx.nonce().longValueExact(), tx.hash(),
        tx.contractAddress());
  }

  private String deploymentData(Publication publication) {
    return CollectionContract.deploymentData(
        publication.plan().arguments(publication.collectionId(), metadataBase, signer.address()));
  }

  /** EIP-1559 fees now: the node's tip and twice the base fee on top (a few blocks of rises), within the caps. */
  private Fees currentFees(BlockHeader head) {
    BigInteger tip = node.suggestedPriorityFee().min(chain.maxPriorityFeePerGas());
    BigInteger maxFee = head.baseFeePerGas().multiply(BigInteger.TWO).add(tip).min(chain.maxFeePerGas());
    return new Fees(maxFee, tip.min(maxFee));
  }

  private Optional<String> overCap(BlockHeader head, Fees fees, BigInteger gas) {
    BigInteger perGas = head.baseFeePerGas().add(fees.maxPriorityFeePerGas());
    if (perGas.compareTo(chain.maxFeePerGas()) > 0) {
      return Optional.of("gas costs " + Wei.gwei(perGas) + " on " + chain.name() + " now (base fee "
          + Wei.gwei(head.baseFeePerGas()) + "), above the chain's cap of " + Wei.gwei(chain.maxFeePerGas())
          + " (max-fee-per-gas); nothing was sent");
    }
    BigInteger cost = perGas.multiply(gas);
    if (cost.compareTo(chain.maxDeploymentCost()) > 0) {
      return Optional.of("the deployment would cost about " + Wei.ether(cost) + " (" + gas + " gas at "
          + Wei.gwei(perGas) + "), above the chain's cap of " + Wei.ether(chain.maxDeploymentCost())
          + " (max-deployment-cost); nothing was sent");
    }
    return Optional.empty();
  }

  // ---- 2. broadcast --------------------------------------------------------------------------

  private record Unsent(Publication publication, StoredTransaction tx) {}

  /**
   * Broadcasts signed transactions in nonce order, then records those the node took, in one
   * database transaction. A crash between the two leaves them unrecorded: the next round sends the
   * same bytes again, which the node knows or has mined.
   */
  private void broadcast(List<Unsent> unsent, BlockHeader head) {
    List<Unsent> accepted = new ArrayList<>();
    for (Unsent u : unsent.stream().sorted(java.util.Comparator.comparing(x -> x.tx().nonce())).toList()) {
      BroadcastOutcome outcome = node.broadcast(u.tx().raw());
      switch (outcome.kind()) {
        case ACCEPTED, ALREADY_KNOWN -> {
          checkpoints.reached(Checkpoint.AFTER_BROADCAST, u.publication().collectionId());
          accepted.add(u);
        }
        case NONCE_TOO_LOW -> nonceTaken(u.publication(), u.tx(), head);
        case UNDERPRICED, FEE_TOO_LOW -> replace(u.publication(), u.tx(), head, outcome.message());
        case INSUFFICIENT_FUNDS, REFUSED -> {
          metrics.transaction("refused");
          log.warn("Collection {}: {} refused transaction {} (nonce {}): {}; trying again next round",
              u.publication().collectionId(), chain.name(), u.tx().txHash(), u.tx().nonce(), outcome.message());
        }
      }
    }
    recordBroadcasts(accepted);
  }

  private void recordBroadcasts(List<Unsent> broadcast) {
    if (broadcast.isEmpty()) {
      return;
    }
    List<Unsent> first = transaction.execute(status -> {
      List<Unsent> recorded = new ArrayList<>();
      for (Unsent u : broadcast) {
        if (transactions.markBroadcast(u.tx().txHash())) {
          publications.submitted(u.publication().collectionId());
          notifications.submitted(publications.find(u.publication().collectionId()).orElseThrow());
          recorded.add(u);
        }
      }
      return recorded;
    });
    for (Unsent u : first) {
      metrics.transaction("broadcast");
      log.info("Collection {}: transaction {} broadcast on {}", u.publication().collectionId(), u.tx().txHash(),
          chain.name());
    }
  }

  /**
   * The node says the nonce is used. If one of ours was mined, the receipt will show it; if
   * another transaction took the nonce and that is settled (as deep as our confirmations), none of
   * ours can ever be mined: sign again with a new nonce. Otherwise wait for the chain to settle.
   */
  private void nonceTaken(Publication publication, StoredTransaction tx, BlockHeader head) {
    if (minedAttempt(publication).isPresent()) {
      recordBroadcasts(List.of(new Unsent(publication, tx))); // one of its transactions is in a block: follow it
      return;
    }
    long settled = Math.max(0, head.number() - chain.confirmations() + 1);
    if (node.nonceAt(signer.address(), settled).compareTo(tx.nonce()) > 0) {
      transaction.executeWithoutResult(status -> publications.nonceLost(publication.collectionId()));
      metrics.transaction("nonce_recovered");
      log.warn("Collection {}: nonce {} of {} was taken by another transaction; signing again with a new nonce",
          publication.collectionId(), tx.nonce(), signer.address());
    }
  }

  // ---- 3. follow -----------------------------------------------------------------------------

  private void follow(Publication publication, Optional<Mined> mined, BlockHeader head) {
    if (mined.isPresent()) {
      confirmations(publication, mined.get(), head);
      return;
    }
    if (publication.blockNumber() != null) {
      transaction.executeWithoutResult(status -> publications.unmined(publication.collectionId()));
      metrics.transaction("reorged");
      log.warn("Collection {}: block {} holding transaction {} left the chain (reorganisation); broadcasting again",
          publication.collectionId(), publication.blockNumber(), publication.txHash());
    }
    StoredTransaction current = transactions.find(publication.txHash()).orElseThrow();
    if (publication.blockNumber() != null || !node.knows(current.txHash())) {
      BroadcastOutcome outcome = node.broadcast(current.raw());
      switch (outcome.kind()) {
        case ACCEPTED, ALREADY_KNOWN -> metrics.transaction("rebroadcast");
        case NONCE_TOO_LOW -> nonceTaken(publication, current, head);
        case UNDERPRICED, FEE_TOO_LOW -> replace(publication, current, head, outcome.message());
        case INSUFFICIENT_FUNDS, REFUSED -> log.warn("Collection {}: {} refused the rebroadcast of {}: {}",
            publication.collectionId(), chain.name(), current.txHash(), outcome.message());
      }
      return;
    }
    Duration waiting = Duration.between(current.broadcastAt(), clock.instant());
    if (waiting.compareTo(chain.stuckAfter()) >= 0) {
      BigInteger minedNonce = node.nonceAt(signer.address(), head.number());
      if (minedNonce.compareTo(current.nonce()) > 0) {
        nonceTaken(publication, current, head);
      } else if (minedNonce.equals(current.nonce())) {
        replace(publication, current, head, "not mined after " + waiting.toSeconds() + " s");
      } // else: an earlier nonce blocks it; that one is replaced on its own
    }
  }

  private void confirmations(Publication publication, Mined mined, BlockHeader head) {
    Receipt receipt = mined.receipt();
    int confirmations = (int) Math.max(0, head.number() - receipt.blockNumber() + 1);
    boolean changed = !receipt.txHash().equalsIgnoreCase(publication.txHash())
        || !Long.valueOf(receipt.blockNumber()).equals(publication.blockNumber())
        || !receipt.blockHash().equals(publication.blockHash()) || confirmations != publication.confirmations();
    if (confirmations < chain.confirmations()) {
      if (changed) {
        transaction.executeWithoutResult(status -> publications.mined(publication.collectionId(), receipt.txHash(),
            mined.tx().contractAddress(), mined.tx().nonce().longValueExact(), receipt.blockNumber(),
            receipt.blockHash(), confirmations));
      }
      return;
    }
    if (!receipt.status()) {
      transaction.executeWithoutResult(status -> {
        publications.mined(publication.collectionId(), receipt.txHash(), mined.tx().contractAddress(),
            mined.tx().nonce().longValueExact(), receipt.blockNumber(), receipt.blockHash(), confirmations);
        failInTransaction(publication, FailureCode.TX_REVERTED, "the deployment transaction reverted in block "
            + receipt.blockNumber());
      });
      return;
    }
    transaction.executeWithoutResult(status -> {
      publications.mined(publication.collectionId(), receipt.txHash(), receipt.contractAddress() == null
              ? mined.tx().contractAddress() : org.web3j.crypto.Keys.toChecksumAddress(receipt.contractAddress()),
          mined.tx().nonce().longValueExact(), receipt.blockNumber(), receipt.blockHash(), confirmations);
      if (publications.confirmed(publication.collectionId(), confirmations)) {
        Publication confirmed = publications.find(publication.collectionId()).orElseThrow();
        notifications.confirmed(confirmed);
        metrics.confirmed(confirmed.requestedAt() == null ? null
            : Duration.between(confirmed.requestedAt(), clock.instant()));
        log.info("Collection {}: deployed at {} by {} in block {} ({} confirmations)", publication.collectionId(),
            confirmed.contractAddress(), confirmed.txHash(), confirmed.blockNumber(), confirmations);
      }
    });
  }

  /** The receipt of whichever of the publication's transactions was mined, if its block is canonical. */
  private Optional<Mined> minedAttempt(Publication publication) {
    for (StoredTransaction tx : transactions.of(publication.collectionId())) {
      if (tx.broadcastAt() == null && !tx.txHash().equals(publication.txHash())) {
        continue; // never left this service
      }
      Optional<Receipt> receipt = node.receipt(tx.txHash());
      if (receipt.isPresent()) {
        Receipt r = receipt.get();
        boolean canonical = node.block(r.blockNumber()).map(b -> b.hash().equals(r.blockHash())).orElse(false);
        return canonical ? Optional.of(new Mined(tx, r)) : Optional.empty();
      }
    }
    return Optional.empty();
  }

  private record Mined(StoredTransaction tx, Receipt receipt) {}

  /**
   * Signs the same deployment under the same nonce with higher fees (at least 12.5% more, within
   * the caps); whichever of the two is mined, the contract lands at the same address.
   */
  private void replace(Publication publication, StoredTransaction current, BlockHeader head, String why) {
    Fees fresh = currentFees(head);
    Fees least = current.fees().bumped();
    BigInteger maxFee = least.maxFeePerGas().max(fresh.maxFeePerGas()).min(chain.maxFeePerGas());
    BigInteger tip = least.maxPriorityFeePerGas().max(fresh.maxPriorityFeePerGas())
        .min(chain.maxPriorityFeePerGas()).min(maxFee);
    Fees fees = new Fees(maxFee, tip);
    if (!fees.replaces(current.fees())) {
      if (reportedStuck.add(current.txHash())) {
        log.warn("Collection {}: transaction {} ({}) cannot be replaced: its fees ({} max, {} tip) are at the caps of {};"
                + " waiting for the chain", publication.collectionId(), current.txHash(), why,
            Wei.gwei(current.fees().maxFeePerGas()), Wei.gwei(current.fees().maxPriorityFeePerGas()), chain.name());
        metrics.transaction("stuck_at_cap");
      }
      return;
    }
    String data = deploymentData(publication);
    SignedTransaction replacement = transaction.execute(status -> {
      SignedTransaction tx = signer.signDeployment(chain.chainId(), current.nonce(), current.gasLimit(), data, fees);
      store(publication, tx);
      return tx;
    });
    metrics.transaction("replaced");
    log.info("Collection {}: transaction {} replaced by {} under nonce {} ({}; max fee {} → {})",
        publication.collectionId(), current.txHash(), replacement.hash(), current.nonce(), why,
        Wei.gwei(current.fees().maxFeePerGas()), Wei.gwei(fees.maxFeePerGas()));
    broadcast(List.of(new Unsent(publications.find(publication.collectionId()).orElseThrow(),
        transactions.find(replacement.hash()).orElseThrow())), head);
  }

  // ---- failure -------------------------------------------------------------------------------

  private void fail(Publication publication, String code, String error) {
    transaction.executeWithoutResult(status -> failInTransaction(publication, code, error));
  }

  private void failInTransaction(Publication publication, String code, String error) {
    if (publications.failed(publication.collectionId(), code, error)) {
      notifications.failed(publications.find(publication.collectionId()).orElseThrow());
      metrics.failed(code);
      log.warn("Collection {}: publication on {} failed: {} {}", publication.collectionId(), chain.name(), code, error);
    }
  }
}
