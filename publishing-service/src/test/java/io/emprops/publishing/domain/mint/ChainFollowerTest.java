package io.emprops.publishing.domain.mint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.emprops.events.contract.Blockchain;
import io.emprops.events.contract.CollectionPublishRequested;
import io.emprops.events.contract.EventJson;
import io.emprops.events.contract.Receiver;
import io.emprops.events.contract.TokenMinted;
import io.emprops.events.testing.EventDelivery;
import io.emprops.events.testing.TopicRecorder;
import io.emprops.localstack.infra.ChainServer;
import io.emprops.localstack.testing.SharedInfrastructure;
import io.emprops.publishing.chain.EvmNode;
import io.emprops.publishing.domain.chains.Chains;
import io.emprops.publishing.chain.contract.EmPropsCollection;
import io.emprops.publishing.domain.publication.Publication;
import io.emprops.publishing.domain.publication.PublicationCheckpoints;
import io.emprops.publishing.domain.publication.PublicationStatus;
import io.emprops.publishing.domain.publication.Publications;
import io.emprops.publishing.persistence.ChainFollowRepository;
import io.emprops.publishing.testing.PublishingServiceRun;
import io.emprops.localstack.testing.TcpProxy;
import io.micrometer.core.instrument.MeterRegistry;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.availability.ApplicationAvailability;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Keys;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.tx.RawTransactionManager;
import org.web3j.tx.gas.StaticEIP1559GasProvider;
import org.web3j.tx.response.PollingTransactionReceiptProcessor;

/**
 * The chain follower against a chain of its own (anvil, a block per transaction; the test mines
 * the confirmations), a collection published by the service itself, mints by a collector, and
 * {@code TokenMinted} read from Kafka as the relay published it. Outcomes are decided on
 * observable state: the follower's cursor, the token rows, the relayed events.
 */
class ChainFollowerTest {

  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final int CONFIRMATIONS = 3;
  private static final BigInteger PRICE = new BigInteger("10000000000000000"); // 0.01 ether
  private static final String ARTIST = "0x90F79bf6EB2c4f870365E785982E1f101E93b906";
  private static final Credentials COLLECTOR = Credentials.create(ChainServer.DEV_ACCOUNT_KEYS.get(1));

  private final List<ConfigurableApplicationContext> contexts = new ArrayList<>();
  private ChainServer chain;
  private EvmNode node;
  private PublishingServiceRun service;
  private EventDelivery events;
  private TopicRecorder recorder;

  @BeforeEach
  void startChain() {
    chain = SharedInfrastructure.get().startExtraChain(ChainServer.Options.DEFAULT);
    node = new EvmNode("test", URI.create(chain.rpcUrl()), Duration.ofSeconds(5));
    service = PublishingServiceRun.on(chain).withRelay()
        .chainProperty("confirmations", Integer.toString(CONFIRMATIONS))
        .property("emprops.publishing.mints.poll-interval", "100ms");
    recorder = new TopicRecorder(List.of(service.namespace() + ".publications"));
  }

  @AfterEach
  void stopEverything() throws Exception {
    contexts.forEach(ConfigurableApplicationContext::close);
    recorder.close();
    if (events != null) {
      events.close();
    }
    node.close();
    chain.close();
  }

  @Test
  void threeMintsAreAnnouncedOnceEachWithOwnerHashTransactionAndBlock_onlyAtTheConfirmationDepth() throws Exception {
    ConfigurableApplicationContext context = start();
    Publication published = publishAndConfirm(context);
    EmPropsCollection contract = asCollector(published);

    List<TransactionReceipt> receipts = List.of(mint(contract), mint(contract), mint(contract));
    long head = node.blockNumber();
    assertThat(receipts.getLast().getBlockNumber().longValueExact()).isEqualTo(head);

    // The follower reads up to the deepest block with the depth (head - 3 + 1): the first mint's.
    awaitCursor(context, head - CONFIRMATIONS + 1);
    assertThat(head - CONFIRMATIONS + 1).isEqualTo(receipts.getFirst().getBlockNumber().longValueExact());
    assertThat(tokenIds(context, published.collectionId())).containsExactly(1L);

    chain.mine(CONFIRMATIONS - 1);
    awaitCursor(context, node.blockNumber() - CONFIRMATIONS + 1);
    assertThat(tokenIds(context, published.collectionId())).containsExactly(1L, 2L, 3L);

    Map<Long, TokenMinted> announced = awaitAnnounced(published.collectionId(), 3);
    assertThat(announced).containsOnlyKeys(1L, 2L, 3L);
    for (long tokenId = 1; tokenId <= 3; tokenId++) {
      TokenMinted event = announced.get(tokenId);
      TransactionReceipt receipt = receipts.get((int) tokenId - 1);
      assertThat(event.collectionId()).isEqualTo(published.collectionId());
      assertThat(event.userId()).isEqualTo("follow-user");
      assertThat(event.blockchain()).isEqualTo(Blockchain.BASE);
      assertThat(event.chainId()).isEqualTo(ChainServer.CHAIN_ID);
      assertThat(event.contractAddress()).isEqualToIgnoringCase(published.contractAddress());
      assertThat(event.owner()).isEqualTo(Keys.toChecksumAddress(COLLECTOR.getAddress()));
      assertThat(event.hash()).isEqualTo("0x" + HexFormat.of().formatHex(contract.tokenHash(BigInteger.valueOf(tokenId)).send()));
      assertThat(event.txHash()).isEqualTo(receipt.getTransactionHash());
      assertThat(event.blockNumber()).isEqualTo(receipt.getBlockNumber().longValueExact());
      assertThat(event.blockHash()).isEqualTo(receipt.getBlockHash());
      assertThat(event.mintedAt()).isEqualTo(Instant.ofEpochSecond(node.blockLink(event.blockNumber()).orElseThrow().timestamp()));
      assertThat(event.generationJobId()).isEqualTo(TokenMinted.generationJobIdOf(published.collectionId(), tokenId, event.hash()));
    }
    assertThat(jdbc(context).sql("SELECT count(*) FROM tokens WHERE collection_id = :id AND status = 'minted'"
        + " AND job_id IS NOT NULL").param("id", published.collectionId()).query(Long.class).single()).isEqualTo(3);
    assertThat(counter(context, "publishing.mints.announced")).isEqualTo(3);
    assertThat(counter(context, "publishing.mint.blocks.processed")).isPositive();
    assertThat(gauge(context, "publishing.mint.follower.lag.blocks")).isZero();
  }

  @Test
  void aMintRemovedByAReorgBeforeItsConfirmations_isNeverAnnounced() throws Exception {
    ConfigurableApplicationContext context = start();
    Publication published = publishAndConfirm(context);
    EmPropsCollection contract = asCollector(published);
    mint(contract);
    chain.mine(CONFIRMATIONS - 1);
    awaitCursor(context, node.blockNumber() - CONFIRMATIONS + 1);
    assertThat(tokenIds(context, published.collectionId())).containsExactly(1L);

    TransactionReceipt removed = mint(contract);
    chain.mine(CONFIRMATIONS - 2); // one confirmation short
    long safe = node.blockNumber() - CONFIRMATIONS + 1;
    awaitCursor(context, safe);
    assertThat(removed.getBlockNumber().longValueExact()).isEqualTo(safe + 1);

    chain.reorg(CONFIRMATIONS - 1); // the mint's block and the one on it, replaced by empty blocks
    assertThat(node.receipt(removed.getTransactionHash())).isEmpty();
    chain.mine(CONFIRMATIONS);
    awaitCursor(context, node.blockNumber() - CONFIRMATIONS + 1);
    assertThat(tokenIds(context, published.collectionId())).containsExactly(1L);
    assertThat(counter(context, "publishing.mint.reorgs")).as("nothing applied was replaced").isZero();

    // The token id is minted again on the new chain: that mint is the one announced.
    TransactionReceipt again = mint(contract);
    chain.mine(CONFIRMATIONS - 1);
    awaitCursor(context, node.blockNumber() - CONFIRMATIONS + 1);
    Map<Long, TokenMinted> announced = awaitAnnounced(published.collectionId(), 2);
    // Same signer, nonce and call: the same transaction hash, in another block.
    assertThat(announced.get(2L).txHash()).isEqualTo(again.getTransactionHash());
    assertThat(announced.get(2L).blockHash()).isEqualTo(again.getBlockHash()).isNotEqualTo(removed.getBlockHash());
    assertThat(announced.get(2L).blockNumber()).isGreaterThan(removed.getBlockNumber().longValueExact());
    assertThat(allAnnouncements(published.collectionId())).hasSize(2);
  }

  @Test
  void aReorgDeeperThanTheConfirmationDepth_rollsBackTheReplacedBlocksAndCountsIt() throws Exception {
    ConfigurableApplicationContext context = start();
    Publication published = publishAndConfirm(context);
    EmPropsCollection contract = asCollector(published);
    TransactionReceipt minted = mint(contract);
    chain.mine(CONFIRMATIONS - 1);
    awaitCursor(context, minted.getBlockNumber().longValueExact());
    assertThat(tokenIds(context, published.collectionId())).containsExactly(1L);

    chain.reorg(CONFIRMATIONS + 1); // replaces the applied block holding the mint
    assertThat(node.receipt(minted.getTransactionHash())).isEmpty();
    await().atMost(WAIT).until(() -> counter(context, "publishing.mint.reorgs") == 1);
    chain.mine(CONFIRMATIONS);
    awaitCursor(context, node.blockNumber() - CONFIRMATIONS + 1);
    assertThat(tokenIds(context, published.collectionId())).isEmpty();
    var depth = context.getBean(MeterRegistry.class).find("publishing.mint.reorg.depth").summary();
    assertThat(depth.max()).isGreaterThanOrEqualTo(CONFIRMATIONS - 1);
  }

  @Test
  void stoppedMidStreamAndStartedAgain_theFollowerResumesWithoutSkippingOrRepeatingAToken() throws Exception {
    service.property("emprops.publishing.mints.max-block-range", "1");
    ConfigurableApplicationContext first = start();
    Publication published = publishAndConfirm(first);
    EmPropsCollection contract = asCollector(published);
    List<TransactionReceipt> receipts = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      receipts.add(mint(contract));
    }
    chain.mine(1);
    // The third mint has the depth, the fourth not yet: the instance stops between them.
    long third = receipts.get(2).getBlockNumber().longValueExact();
    assertThat(node.blockNumber() - CONFIRMATIONS + 1).isEqualTo(third);
    awaitCursor(first, third);
    assertThat(tokenIds(first, published.collectionId())).containsExactly(1L, 2L, 3L);
    first.close();

    for (int i = 0; i < 2; i++) {
      mint(contract);
    }
    chain.mine(CONFIRMATIONS - 1);
    ConfigurableApplicationContext second = start();
    awaitCursor(second, node.blockNumber() - CONFIRMATIONS + 1);
    assertThat(tokenIds(second, published.collectionId())).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
    Map<Long, TokenMinted> announced = awaitAnnounced(published.collectionId(), 6);
    assertThat(announced).containsOnlyKeys(1L, 2L, 3L, 4L, 5L, 6L);
    assertThat(announced.get(4L).txHash()).isEqualTo(receipts.get(3).getTransactionHash());
    assertThat(allAnnouncements(published.collectionId())).as("one event per token").hasSize(6);
    assertThat(counter(second, "publishing.mints.announced")).as("after the restart").isEqualTo(3);
  }

  @Test
  void twoInstancesOnOneDatabase_oneFollowerAnnouncesEachTokenOnce() throws Exception {
    ConfigurableApplicationContext a = start();
    ConfigurableApplicationContext b = start();
    await().atMost(WAIT).until(() -> gauge(a, "publishing.mint.follower.leader")
        + gauge(b, "publishing.mint.follower.leader") == 1);
    Publication published = publishAndConfirm(a);
    EmPropsCollection contract = asCollector(published);
    for (int i = 0; i < 3; i++) {
      mint(contract);
    }
    chain.mine(CONFIRMATIONS - 1);
    awaitCursor(a, node.blockNumber() - CONFIRMATIONS + 1);
    assertThat(awaitAnnounced(published.collectionId(), 3)).containsOnlyKeys(1L, 2L, 3L);

    // The follower's instance goes away: the other takes over and goes on, once per token.
    ConfigurableApplicationContext leader = gauge(a, "publishing.mint.follower.leader") == 1 ? a : b;
    ConfigurableApplicationContext standby = leader == a ? b : a;
    leader.close();
    await().atMost(WAIT).until(() -> gauge(standby, "publishing.mint.follower.leader") == 1);
    mint(contract);
    chain.mine(CONFIRMATIONS - 1);
    awaitCursor(standby, node.blockNumber() - CONFIRMATIONS + 1);
    assertThat(awaitAnnounced(published.collectionId(), 4)).containsOnlyKeys(1L, 2L, 3L, 4L);
    assertThat(allAnnouncements(published.collectionId())).as("one event per token").hasSize(4);
    assertThat(counter(standby, "publishing.mints.announced")).isEqualTo(1);
  }

  @Test
  void aCollectionConfirmedAfterTheFollowerPassedItsDeploymentBlock_isReadFromItsDeploymentBlock() throws Exception {
    UUID late = UUID.randomUUID();
    HoldDeployment hold = new HoldDeployment(late);
    ConfigurableApplicationContext context = start(hold);
    Publication first = publishAndConfirm(context);
    mint(asCollector(first));

    // The second collection is deployed, but its saga is held before it even records the broadcast.
    requestPublication(late);
    assertThat(hold.reached.await(60, TimeUnit.SECONDS)).isTrue();
    Publication signed = context.getBean(Publications.class).find(late).orElseThrow();
    long deployedIn = await().atMost(WAIT).until(() -> node.receipt(signed.txHash()), Optional::isPresent)
        .orElseThrow().blockNumber();
    EmPropsCollection lateContract = asCollector(signed);
    TransactionReceipt mintedEarly = mint(lateContract);
    mint(asCollector(first));
    chain.mine(CONFIRMATIONS);
    long safe = node.blockNumber() - CONFIRMATIONS + 1;
    assertThat(safe).isGreaterThan(mintedEarly.getBlockNumber().longValueExact());
    awaitCursor(context, safe);
    assertThat(tokenIds(context, late)).as("not followed before it is confirmed").isEmpty();

    hold.released.countDown();
    Publication confirmed = awaitConfirmed(context, late);
    assertThat(confirmed.blockNumber()).isEqualTo(deployedIn);
    await().atMost(WAIT).until(() -> tokenIds(context, late).size() == 1);
    TokenMinted announced = awaitAnnounced(late, 1).get(1L);
    assertThat(announced.txHash()).isEqualTo(mintedEarly.getTransactionHash());
    assertThat(announced.blockNumber()).isEqualTo(mintedEarly.getBlockNumber().longValueExact());

    // From then on it is read with the others.
    mint(lateContract);
    chain.mine(CONFIRMATIONS - 1);
    awaitCursor(context, node.blockNumber() - CONFIRMATIONS + 1);
    assertThat(tokenIds(context, late)).containsExactly(1L, 2L);
    assertThat(tokenIds(context, first.collectionId())).containsExactly(1L, 2L);
    assertThat(awaitAnnounced(late, 2)).containsOnlyKeys(1L, 2L);
    assertThat(allAnnouncements(late)).hasSize(2);
  }

  @Test
  void theChainUnreachable_roundsFailAndAreCountedTheServiceStaysReadyAndTheFollowerGoesOnWhenItIsBack()
      throws Exception {
    try (TcpProxy proxy = new TcpProxy(chain.port())) {
      service.chainProperty("rpc-url", proxy.url());
      ConfigurableApplicationContext context = start();
      Publication published = publishAndConfirm(context);
      EmPropsCollection contract = asCollector(published); // straight to the chain, not through the proxy
      mint(contract);

      proxy.down();
      chain.mine(CONFIRMATIONS - 1);
      await().atMost(WAIT).until(() -> counter(context, "publishing.mint.poll.errors") >= 2);
      assertThat(context.isActive()).isTrue();
      assertThat(context.getBean(ApplicationAvailability.class).getReadinessState())
          .isEqualTo(ReadinessState.ACCEPTING_TRAFFIC);
      assertThat(tokenIds(context, published.collectionId())).isEmpty();

      proxy.up();
      awaitCursor(context, node.blockNumber() - CONFIRMATIONS + 1);
      assertThat(tokenIds(context, published.collectionId())).containsExactly(1L);
      assertThat(awaitAnnounced(published.collectionId(), 1)).containsOnlyKeys(1L);
    }
  }

  @Test
  void twoFollowersRacingOverTheSameBlocks_withoutTheLock_stillApplyAndAnnounceEachTokenOnce() throws Exception {
    // As if a follower lost its lock mid-round while the next one started: the cursor is the guard.
    service.property("emprops.publishing.mints.enabled", "false").property("emprops.publishing.mints.max-block-range", "2");
    ConfigurableApplicationContext context = start();
    Publication published = publishAndConfirm(context);
    EmPropsCollection contract = asCollector(published);
    for (int i = 0; i < 5; i++) {
      mint(contract);
    }
    chain.mine(CONFIRMATIONS - 1);
    long safe = node.blockNumber() - CONFIRMATIONS + 1;

    Chains chains = context.getBean(Chains.class);
    var spec = chains.enabled().getFirst();
    MintFollowing settings = new MintFollowing(true, Duration.ofMillis(10), 2, 256);
    List<Thread> racers = new ArrayList<>();
    List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
    CountDownLatch go = new CountDownLatch(1);
    for (int i = 0; i < 2; i++) {
      EvmNode own = new EvmNode("racer-" + i, URI.create(chain.rpcUrl()), Duration.ofSeconds(5));
      ChainFollower follower = new ChainFollower(spec, own, context.getBean(ChainFollowRepository.class),
          context.getBean(MintNotifications.class),
          new TransactionTemplate(context.getBean(PlatformTransactionManager.class)),
          context.getBean(MintMetrics.class), settings);
      racers.add(Thread.ofPlatform().start(() -> {
        try (own) {
          go.await();
          ChainFollowRepository store = context.getBean(ChainFollowRepository.class);
          while (store.cursor(ChainServer.CHAIN_ID).map(ChainCursor::blockNumber).orElse(-1L) < safe) {
            follower.round();
          }
        } catch (Throwable e) {
          failures.add(e);
        }
      }));
    }
    go.countDown();
    for (Thread racer : racers) {
      racer.join(WAIT.toMillis());
    }
    assertThat(failures).isEmpty();
    assertThat(tokenIds(context, published.collectionId())).containsExactly(1L, 2L, 3L, 4L, 5L);
    assertThat(awaitAnnounced(published.collectionId(), 5)).containsOnlyKeys(1L, 2L, 3L, 4L, 5L);
    assertThat(allAnnouncements(published.collectionId())).as("one event per token").hasSize(5);
    assertThat(counter(context, "publishing.mints.announced")).isEqualTo(5);
  }

  // ---- helpers -------------------------------------------------------------------------------

  private ConfigurableApplicationContext start() {
    return start(PublicationCheckpoints.NONE);
  }

  private ConfigurableApplicationContext start(PublicationCheckpoints checkpoints) {
    ConfigurableApplicationContext context = service.start(checkpoints);
    contexts.add(context);
    if (events == null) {
      events = new EventDelivery(service.namespace());
    }
    return context;
  }

  /** Publishes a collection through the service and mines its deployment to the confirmation depth. */
  private Publication publishAndConfirm(ConfigurableApplicationContext context) {
    UUID id = UUID.randomUUID();
    requestPublication(id);
    return awaitConfirmed(context, id);
  }

  private void requestPublication(UUID id) {
    events.send(new CollectionPublishRequested(id, UUID.randomUUID(), "follow-user", 3, "Follow " + id,
        "A follower test", Blockchain.BASE, 25, new BigDecimal("0.01"), "https://cdn.emprops.test/cover.png", false,
        null, false, List.of(new Receiver(ARTIST, new BigDecimal("100"), "primary")), Instant.now()));
  }

  private Publication awaitConfirmed(ConfigurableApplicationContext context, UUID id) {
    Publications publications = context.getBean(Publications.class);
    return await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).until(() -> {
      Publication now = publications.find(id).orElse(null);
      if (now != null && now.blockNumber() != null && now.status() != PublicationStatus.CONFIRMED) {
        chain.mine(1);
      }
      return now;
    }, p -> p != null && p.status() == PublicationStatus.CONFIRMED);
  }

  /** Holds the saga of one collection once its deployment is broadcast, until released. */
  private static final class HoldDeployment implements PublicationCheckpoints {
    private final UUID collectionId;
    private final CountDownLatch reached = new CountDownLatch(1);
    private final CountDownLatch released = new CountDownLatch(1);

    HoldDeployment(UUID collectionId) {
      this.collectionId = collectionId;
    }

    @Override
    public void reached(Checkpoint checkpoint, UUID id) {
      if (checkpoint != Checkpoint.AFTER_BROADCAST || !id.equals(collectionId)) {
        return;
      }
      reached.countDown();
      try {
        released.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("stopped while held");
      }
    }
  }

  private EmPropsCollection asCollector(Publication published) {
    RawTransactionManager manager = new RawTransactionManager(node.web3j(), COLLECTOR, ChainServer.CHAIN_ID,
        new PollingTransactionReceiptProcessor(node.web3j(), 100, 100));
    return EmPropsCollection.load(published.contractAddress(), node.web3j(), manager,
        new StaticEIP1559GasProvider(ChainServer.CHAIN_ID, BigInteger.TEN.pow(10), BigInteger.TEN.pow(9),
            BigInteger.valueOf(1_000_000)));
  }

  private static TransactionReceipt mint(EmPropsCollection contract) throws Exception {
    TransactionReceipt receipt = contract.mint(PRICE).send();
    assertThat(receipt.isStatusOK()).isTrue();
    return receipt;
  }

  private void awaitCursor(ConfigurableApplicationContext context, long block) {
    ChainFollowRepository store = context.getBean(ChainFollowRepository.class);
    await().atMost(WAIT).pollInterval(Duration.ofMillis(50)).until(
        () -> store.cursor(ChainServer.CHAIN_ID).map(ChainCursor::blockNumber).orElse(-1L), n -> n == block);
  }

  private static List<Long> tokenIds(ConfigurableApplicationContext context, UUID collectionId) {
    return jdbc(context).sql("SELECT token_id FROM tokens WHERE collection_id = :id ORDER BY token_id")
        .param("id", collectionId).query(Long.class).list();
  }

  private static JdbcClient jdbc(ConfigurableApplicationContext context) {
    return context.getBean(JdbcClient.class);
  }

  /** Waits for {@code count} distinct tokens announced for the collection; the last event of each. */
  private Map<Long, TokenMinted> awaitAnnounced(UUID collectionId, int count) {
    await().atMost(WAIT).until(() -> allAnnouncements(collectionId).stream().map(TokenMinted::tokenId).distinct()
        .count() >= count);
    Map<Long, TokenMinted> byToken = new LinkedHashMap<>();
    allAnnouncements(collectionId).forEach(e -> byToken.put(e.tokenId(), e));
    return byToken;
  }

  /** Every distinct TokenMinted event (by event id: the relay delivers at least once) of the collection. */
  private List<TokenMinted> allAnnouncements(UUID collectionId) {
    Map<String, TokenMinted> byId = new LinkedHashMap<>();
    recorder.records().stream()
        .filter(r -> collectionId.toString().equals(r.key()))
        .filter(r -> "TokenMinted.v1".equals(TopicRecorder.header(r, "eventType")))
        .forEach(r -> byId.putIfAbsent(TopicRecorder.header(r, "eventId"),
            EventJson.deserialize(r.value(), TokenMinted.class)));
    return List.copyOf(byId.values());
  }

  private static double counter(ConfigurableApplicationContext context, String name) {
    return context.getBean(MeterRegistry.class).find(name).counters().stream().mapToDouble(c -> c.count()).sum();
  }

  private static double gauge(ConfigurableApplicationContext context, String name) {
    var gauge = context.getBean(MeterRegistry.class).find(name).gauge();
    return gauge == null ? 0 : gauge.value();
  }
}
