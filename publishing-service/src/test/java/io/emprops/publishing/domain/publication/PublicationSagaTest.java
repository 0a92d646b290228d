package io.emprops.publishing.domain.publication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.emprops.events.contract.Blockchain;
import io.emprops.events.contract.CollectionPublishRequested;
import io.emprops.events.contract.Receiver;
import io.emprops.events.testing.EventDelivery;
import io.emprops.events.testing.TopicRecorder;
import io.emprops.localstack.infra.ChainServer;
import io.emprops.localstack.testing.SharedInfrastructure;
import io.emprops.publishing.chain.EvmNode;
import io.emprops.publishing.chain.TransactionSigner;
import io.emprops.publishing.chain.contract.EmPropsCollection;
import io.emprops.publishing.domain.publication.PublicationCheckpoints.Checkpoint;
import io.emprops.publishing.persistence.TransactionRepository;
import io.emprops.publishing.testing.PublishingServiceRun;
import io.emprops.publishing.testing.StopAt;
import io.emprops.localstack.testing.TcpProxy;
import io.micrometer.core.instrument.MeterRegistry;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.RawTransaction;
import org.web3j.crypto.TransactionEncoder;
import org.web3j.tx.ReadonlyTransactionManager;
import org.web3j.tx.gas.DefaultGasProvider;
import org.web3j.utils.Numeric;

/**
 * The publication saga against a chain of its own (anvil, a block per transaction unless a test
 * mines itself), with the service started, stopped at controlled points and started again on the
 * same schema, as a crashed process would be: whatever happens, one collection gives one contract.
 */
class PublicationSagaTest {

  private static final Duration SAGA = Duration.ofSeconds(60);
  private static final String ARTIST = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
  private static final String SIGNER = TransactionSigner.of(ChainServer.DEV_PRIVATE_KEY).address();

  private final List<ConfigurableApplicationContext> contexts = new ArrayList<>();
  private ChainServer chain;
  private EvmNode node;
  private PublishingServiceRun service;
  private EventDelivery events;

  @BeforeEach
  void startChain() {
    chain = SharedInfrastructure.get().startExtraChain(ChainServer.Options.DEFAULT);
    node = new EvmNode("test", URI.create(chain.rpcUrl()), Duration.ofSeconds(5));
    service = PublishingServiceRun.on(chain);
  }

  @AfterEach
  void stopEverything() {
    contexts.forEach(ConfigurableApplicationContext::close);
    if (events != null) {
      events.close();
    }
    node.close();
    chain.close();
  }

  @Test
  void aPublishRequestIsDeployedConfirmedAndAnnouncedOnce() throws Exception {
    ConfigurableApplicationContext context = start(service.withRelay(), PublicationCheckpoints.NONE);
    UUID id = requestPublication(Blockchain.BASE, "0.01");

    Publication confirmed = awaitPublication(context, id, p -> p.status() == PublicationStatus.CONFIRMED);
    assertThat(confirmed.chainId()).isEqualTo(ChainServer.CHAIN_ID);
    assertThat(confirmed.confirmations()).isEqualTo(1);
    assertOneContract(confirmed, 0);
    EmPropsCollection contract = EmPropsCollection.load(confirmed.contractAddress(), node.web3j(),
        new ReadonlyTransactionManager(node.web3j(), SIGNER), new DefaultGasProvider());
    assertThat(contract.name().send()).isEqualTo("Saga " + id);
    assertThat(contract.editions().send()).isEqualTo(25);
    assertThat(contract.price().send()).isEqualTo(new BigInteger("10000000000000000"));
    assertThat(contract.contractURI().send()).endsWith("/metadata/" + id + "/contract");

    // Relayed through the outbox: the chains at start, then submitted and confirmed, once each.
    try (TopicRecorder recorder = new TopicRecorder(List.of(service.namespace() + ".publications"))) {
      await().atMost(SAGA).until(() -> eventTypes(recorder, id.toString()).contains("PublicationConfirmed.v1"));
      assertThat(eventTypes(recorder, id.toString()))
          .containsExactly("PublicationSubmitted.v1", "PublicationConfirmed.v1");
      await().atMost(SAGA).until(() -> eventTypes(recorder, "TEZOS").size() == 1);
      assertThat(eventTypes(recorder, "ETHEREUM")).containsExactly("ChainSupportAnnounced.v1");
      assertThat(eventTypes(recorder, "BASE")).containsExactly("ChainSupportAnnounced.v1");
    }

    // The same request again (a redelivery or a second click) deploys nothing more.
    requestPublication(id, Blockchain.BASE, "0.01");
    await().atMost(SAGA).until(() -> handled(context, "duplicate") + handled(context, "handled") >= 2);
    assertThat(node.pendingNonce(SIGNER)).isEqualTo(1);
  }

  @Test
  void stoppedAfterSigningBeforeBroadcast_aRestartBroadcastsTheStoredBytesOnce() throws Exception {
    StopAt stop = new StopAt(Checkpoint.AFTER_SIGNING);
    ConfigurableApplicationContext first = start(service, stop);
    UUID id = requestPublication(Blockchain.ETHEREUM, "0");
    stop.awaitReached();
    Publication signed = publications(first).find(id).orElseThrow();
    assertThat(signed.txHash()).isNotNull();
    assertThat(node.pendingNonce(SIGNER)).as("nothing broadcast yet").isZero();
    first.close();

    ConfigurableApplicationContext second = start(service, PublicationCheckpoints.NONE);
    Publication confirmed = awaitPublication(second, id, p -> p.status() == PublicationStatus.CONFIRMED);
    assertThat(confirmed.txHash()).as("the bytes signed before the stop").isEqualTo(signed.txHash());
    assertOneContract(confirmed, 0);
  }

  @Test
  void stoppedAfterBroadcastBeforeItWasRecorded_aRestartFindsTheTransactionAndDeploysNothingMore() throws Exception {
    StopAt stop = new StopAt(Checkpoint.AFTER_BROADCAST);
    ConfigurableApplicationContext first = start(service, stop);
    UUID id = requestPublication(Blockchain.BASE, "0.5");
    stop.awaitReached();
    String txHash = publications(first).find(id).orElseThrow().txHash();
    await().atMost(SAGA).until(() -> node.receipt(txHash).isPresent());
    first.close();

    ConfigurableApplicationContext second = start(service, PublicationCheckpoints.NONE);
    Publication confirmed = awaitPublication(second, id, p -> p.status() == PublicationStatus.CONFIRMED);
    assertThat(confirmed.txHash()).isEqualTo(txHash);
    assertOneContract(confirmed, 0);
  }

  @Test
  void stoppedWhileConfirming_aRestartCountsOnFromTheChain() throws Exception {
    service.chainProperty("confirmations", "3");
    ConfigurableApplicationContext first = start(service, PublicationCheckpoints.NONE);
    UUID id = requestPublication(Blockchain.BASE, "0.01");
    Publication mined = awaitPublication(first, id, p -> p.blockNumber() != null);
    assertThat(mined.status()).isEqualTo(PublicationStatus.SUBMITTED);
    first.close();

    chain.mine(2);
    ConfigurableApplicationContext second = start(service, PublicationCheckpoints.NONE);
    Publication confirmed = awaitPublication(second, id, p -> p.status() == PublicationStatus.CONFIRMED);
    assertThat(confirmed.confirmations()).isEqualTo(3);
    assertThat(confirmed.blockNumber()).isEqualTo(mined.blockNumber());
    assertOneContract(confirmed, 0);
  }

  @Test
  void theChainUnreachableMidPublication_thePublicationResumesWhenItIsBack() throws Exception {
    try (TcpProxy proxy = new TcpProxy(chain.port())) {
      service.chainProperty("rpc-url", proxy.url()).chainProperty("confirmations", "3");
      ConfigurableApplicationContext context = start(service, PublicationCheckpoints.NONE);
      UUID id = requestPublication(Blockchain.ETHEREUM, "0.01");
      awaitPublication(context, id, p -> p.blockNumber() != null);

      proxy.down();
      double failures = rpcFailures(context);
      chain.mine(2);
      await().atMost(SAGA).until(() -> rpcFailures(context) >= failures + 2);
      assertThat(publications(context).find(id).orElseThrow().status()).isEqualTo(PublicationStatus.SUBMITTED);

      proxy.up();
      Publication confirmed = awaitPublication(context, id, p -> p.status() == PublicationStatus.CONFIRMED);
      assertOneContract(confirmed, 0);
    }
  }

  @Test
  void aNonceTakenByAnOutsideTransactionOfTheSigner_isRecoveredWithTheNextNonce() throws Exception {
    StopAt stop = new StopAt(Checkpoint.AFTER_SIGNING);
    ConfigurableApplicationContext context = start(service, stop);
    UUID id = requestPublication(Blockchain.BASE, "0.01");
    stop.awaitReached();
    Publication signed = publications(context).find(id).orElseThrow();
    assertThat(signed.nonce()).isZero();

    // Someone else uses the key: a plain transfer with nonce 0, mined before our deployment is sent.
    String outside = sendOutsideTransfer(BigInteger.ZERO);
    await().atMost(SAGA).until(() -> node.receipt(outside).isPresent());
    stop.release();

    Publication confirmed = awaitPublication(context, id, p -> p.status() == PublicationStatus.CONFIRMED);
    assertThat(confirmed.nonce()).isEqualTo(1);
    assertThat(confirmed.txHash()).isNotEqualTo(signed.txHash());
    assertThat(node.receipt(signed.txHash())).isEmpty();
    assertOneContract(confirmed, 1);
  }

  @Test
  void aReorgDroppingTheDeploymentBeforeItsConfirmations_rebroadcastsItAndConfirmsOnce() throws Exception {
    service.chainProperty("confirmations", "3");
    ConfigurableApplicationContext context = start(service, PublicationCheckpoints.NONE);
    UUID id = requestPublication(Blockchain.BASE, "0.01");
    Publication mined = awaitPublication(context, id, p -> p.blockNumber() != null);
    String originalBlock = mined.blockHash();

    chain.reorg(1); // the block holding the deployment is replaced by an empty one
    assertThat(node.receipt(mined.txHash())).isEmpty();

    Publication confirmed = await().atMost(SAGA).pollInterval(Duration.ofMillis(300)).until(() -> {
      Publication now = publications(context).find(id).orElseThrow();
      if (now.status() != PublicationStatus.CONFIRMED && node.receipt(mined.txHash()).isPresent()) {
        chain.mine(1); // confirmations come from blocks the test mines
      }
      return now;
    }, p -> p.status() == PublicationStatus.CONFIRMED);
    assertThat(transactionEvents(context, "reorged")).isEqualTo(1);
    assertThat(confirmed.txHash()).as("the same signed bytes, mined again").isEqualTo(mined.txHash());
    assertThat(confirmed.blockHash()).isNotEqualTo(originalBlock);
    assertThat(confirmed.confirmations()).isEqualTo(3);
    assertOneContract(confirmed, 0);
  }

  @Test
  void aStuckTransactionIsReplacedWithHigherFeesUnderTheSameNonce() throws Exception {
    service.chainProperty("stuck-after", "1s");
    chain.automine(false);
    ConfigurableApplicationContext context = start(service, PublicationCheckpoints.NONE);
    UUID id = requestPublication(Blockchain.ETHEREUM, "0.01");
    Publication submitted = awaitPublication(context, id, p -> p.status() == PublicationStatus.SUBMITTED);
    StoredTransaction first = transactions(context).find(submitted.txHash()).orElseThrow();

    // The base fee jumps above what the transaction offers: it stays in the pool, unmined.
    chain.nextBlockBaseFee(first.fees().maxFeePerGas().add(BigInteger.ONE));
    chain.mine(1);
    assertThat(node.receipt(first.txHash())).isEmpty();

    Publication replaced = awaitPublication(context, id, p -> !p.txHash().equals(first.txHash()) && p.currentBroadcast());
    StoredTransaction second = transactions(context).find(replaced.txHash()).orElseThrow();
    assertThat(second.nonce()).isEqualTo(first.nonce());
    assertThat(second.fees().replaces(first.fees())).isTrue();

    chain.mine(1);
    Publication confirmed = awaitPublication(context, id, p -> p.status() == PublicationStatus.CONFIRMED);
    assertThat(confirmed.txHash()).isEqualTo(second.txHash());
    assertThat(node.receipt(first.txHash())).isEmpty();
    assertOneContract(confirmed, 0);
  }

  @Test
  void aDeploymentCostingMoreThanTheChainsCap_failsWithTheReasonAndSendsNothing() {
    service.chainProperty("max-deployment-cost", "0.000001 ether");
    ConfigurableApplicationContext context = start(service, PublicationCheckpoints.NONE);
    UUID id = requestPublication(Blockchain.BASE, "0.01");

    Publication failed = awaitPublication(context, id, p -> p.status() == PublicationStatus.FAILED);
    assertThat(failed.failureCode()).isEqualTo(FailureCode.FEE_CAP_EXCEEDED);
    assertThat(failed.error()).contains("above the chain's cap of 0.000001 ether", "nothing was sent");
    assertThat(failed.txHash()).isNull();
    assertThat(transactions(context).of(id)).isEmpty();
    assertThat(node.pendingNonce(SIGNER)).isZero();
  }

  @Test
  void collectionsThatCannotBeDeployedFailAtOnceWithTheirReason() {
    ConfigurableApplicationContext context = start(service, PublicationCheckpoints.NONE);
    UUID tezos = requestPublication(Blockchain.TEZOS, "1");
    UUID unpaid = UUID.randomUUID();
    send(new CollectionPublishRequested(unpaid, UUID.randomUUID(), "saga-user", 1, "Half paid", null,
        Blockchain.BASE, 10, new BigDecimal("0.01"), null, false, null, false,
        List.of(new Receiver(ARTIST, new BigDecimal("60"), "primary")), Instant.now()));

    assertThat(awaitPublication(context, tezos, p -> p.status() == PublicationStatus.FAILED).failureCode())
        .isEqualTo(FailureCode.CHAIN_UNSUPPORTED);
    Publication invalid = awaitPublication(context, unpaid, p -> p.status() == PublicationStatus.FAILED);
    assertThat(invalid.failureCode()).isEqualTo(FailureCode.INVALID_COLLECTION);
    assertThat(invalid.error()).contains("add up to 100%", "60%");
    assertThat(node.pendingNonce(SIGNER)).isZero();
  }

  // ---- helpers -------------------------------------------------------------------------------

  private ConfigurableApplicationContext start(PublishingServiceRun run, PublicationCheckpoints checkpoints) {
    ConfigurableApplicationContext context = run.start(checkpoints);
    contexts.add(context);
    if (events == null) {
      events = new EventDelivery(run.namespace());
    }
    return context;
  }

  private UUID requestPublication(Blockchain blockchain, String price) {
    return requestPublication(UUID.randomUUID(), blockchain, price);
  }

  private UUID requestPublication(UUID id, Blockchain blockchain, String price) {
    send(new CollectionPublishRequested(id, UUID.randomUUID(), "saga-user", 3, "Saga " + id, "A saga test",
        blockchain, 25, new BigDecimal(price), "https://cdn.emprops.test/cover.png", false, null, false,
        List.of(new Receiver(ARTIST, new BigDecimal("100"), "primary")), Instant.now()));
    return id;
  }

  private void send(CollectionPublishRequested request) {
    events.send(request);
  }

  /** Exactly one contract: the signer sent {@code nonce + 1} transactions, the last deployed it, code is there. */
  private void assertOneContract(Publication confirmed, long nonce) {
    assertThat(node.pendingNonce(SIGNER)).as("transactions the signer ever sent").isEqualTo(nonce + 1);
    assertThat(confirmed.nonce()).isEqualTo(nonce);
    EvmNode.Receipt receipt = node.receipt(confirmed.txHash()).orElseThrow();
    assertThat(receipt.status()).isTrue();
    assertThat(receipt.contractAddress()).isEqualToIgnoringCase(confirmed.contractAddress());
    assertThat(node.code(confirmed.contractAddress())).hasSizeGreaterThan(1000);
  }

  private Publication awaitPublication(ConfigurableApplicationContext context, UUID id, Predicate<Publication> until) {
    return await().atMost(SAGA).pollInterval(Duration.ofMillis(100))
        .until(() -> publications(context).find(id).orElse(null), p -> p != null && until.test(p));
  }

  private String sendOutsideTransfer(BigInteger nonce) {
    RawTransaction transfer = RawTransaction.createEtherTransaction(ChainServer.CHAIN_ID, nonce,
        BigInteger.valueOf(21_000), ARTIST, BigInteger.ONE, BigInteger.TEN.pow(9), BigInteger.TEN.pow(11));
    String raw = Numeric.toHexString(TransactionEncoder.signMessage(transfer,
        Credentials.create(ChainServer.DEV_PRIVATE_KEY)));
    assertThat(node.broadcast(raw).kind()).isEqualTo(EvmNode.BroadcastOutcome.Kind.ACCEPTED);
    return org.web3j.crypto.Hash.sha3(raw);
  }

  /** The types of the distinct events (by event id: delivery is at least once) keyed {@code key}. */
  private static List<String> eventTypes(TopicRecorder recorder, String key) {
    var byId = new java.util.LinkedHashMap<String, String>();
    recorder.records().stream().filter(r -> key.equals(r.key()))
        .forEach(r -> byId.putIfAbsent(TopicRecorder.header(r, "eventId"), TopicRecorder.header(r, "eventType")));
    return List.copyOf(byId.values());
  }

  private static Publications publications(ConfigurableApplicationContext context) {
    return context.getBean(Publications.class);
  }

  private static TransactionRepository transactions(ConfigurableApplicationContext context) {
    return context.getBean(TransactionRepository.class);
  }

  private static double handled(ConfigurableApplicationContext context, String outcome) {
    var timer = context.getBean(MeterRegistry.class).find("emprops.events.handled")
        .tag("consumer", "publishing.accept-publish-request").tag("outcome", outcome).timer();
    return timer == null ? 0 : timer.count();
  }

  private static double rpcFailures(ConfigurableApplicationContext context) {
    var counter = context.getBean(MeterRegistry.class).find("publishing.rpc.failures").counter();
    return counter == null ? 0 : counter.count();
  }

  private static double transactionEvents(ConfigurableApplicationContext context, String event) {
    var counter = context.getBean(MeterRegistry.class).find("publishing.transactions").tag("event", event).counter();
    return counter == null ? 0 : counter.count();
  }
}
