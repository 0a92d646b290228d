package io.emprops.publishing.chain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.emprops.localstack.infra.ChainServer;
import io.emprops.localstack.testing.SharedInfrastructure;
import io.emprops.publishing.chain.contract.EmPropsCollection;
import java.math.BigInteger;
import java.net.URI;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.web3j.abi.TypeEncoder;
import org.web3j.abi.datatypes.Address;
import org.web3j.abi.datatypes.generated.Uint256;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Hash;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.tx.RawTransactionManager;
import org.web3j.tx.gas.StaticEIP1559GasProvider;
import org.web3j.tx.response.PollingTransactionReceiptProcessor;
import org.web3j.utils.Numeric;

/**
 * The collection contract on a real chain, deployed the way the service deploys it (its encoder,
 * its signer, its node client) and then used as collectors and receivers use it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CollectionContractOnAnvilTest {

  private static final BigInteger PRICE = new BigInteger("10000000000000000"); // 0.01 ether
  private static final Credentials COLLECTOR = Credentials.create(ChainServer.DEV_ACCOUNT_KEYS.get(1));
  private static final String ARTIST = "0x90F79bf6EB2c4f870365E785982E1f101E93b906";
  private static final String PLATFORM = "0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65";
  private static final String ROYALTY_A = "0x9965507D1a55bcC2695C58ba16FB37d819B0A4dc";
  private static final String ROYALTY_B = "0x976EA74026E726554dB657fA54763abd0C3a0aa9";

  private ChainServer chain;
  private EvmNode node;
  private TransactionSigner publisher;

  @BeforeAll
  void startChain() {
    chain = SharedInfrastructure.get().startExtraChain(ChainServer.Options.DEFAULT);
    node = new EvmNode("test", URI.create(chain.rpcUrl()), Duration.ofSeconds(10));
    publisher = TransactionSigner.of(ChainServer.DEV_PRIVATE_KEY);
  }

  @AfterAll
  void stopChain() {
    node.close();
    chain.close();
  }

  @Test
  void aCollectorMintsByPayingThePriceAndTheTokenGetsAHashFromChainRandomnessTheTokenAndTheMinter() throws Exception {
    EmPropsCollection contract = deploy(3, List.of(new CollectionContract.Share(ARTIST, 10_000)), List.of(), 1);
    assertThat(contract.name().send()).isEqualTo("Neon Portraits");
    assertThat(contract.symbol().send()).isEqualTo("NP");
    assertThat(contract.editions().send()).isEqualTo(3);
    assertThat(contract.price().send()).isEqualTo(PRICE);
    assertThat(contract.owner().send()).isEqualToIgnoringCase(publisher.address());

    EmPropsCollection asCollector = as(contract, COLLECTOR);
    TransactionReceipt minted = asCollector.mint(PRICE).send();
    var event = EmPropsCollection.getMintedEvents(minted).getFirst();
    assertThat(event.tokenId).isEqualTo(1);
    assertThat(contract.ownerOf(BigInteger.ONE).send()).isEqualToIgnoringCase(COLLECTOR.getAddress());
    assertThat(contract.tokenHash(BigInteger.ONE).send()).isEqualTo(event.hash);

    // keccak256(abi.encode(prevrandao, blockhash(n - 1), contract, tokenId, minter)), recomputed from the block.
    var block = node.web3j().ethGetBlockByNumber(
        org.web3j.protocol.core.DefaultBlockParameter.valueOf(minted.getBlockNumber()), false).send().getBlock();
    String encoded = Numeric.cleanHexPrefix(block.getMixHash()) + Numeric.cleanHexPrefix(block.getParentHash())
        + TypeEncoder.encode(new Address(contract.getContractAddress())) + TypeEncoder.encode(new Uint256(1))
        + TypeEncoder.encode(new Address(COLLECTOR.getAddress()));
    assertThat(HexFormat.of().formatHex(event.hash)).isEqualTo(Numeric.cleanHexPrefix(Hash.sha3(encoded)));

    TransactionReceipt second = asCollector.mint(PRICE).send();
    assertThat(EmPropsCollection.getMintedEvents(second).getFirst().hash).isNotEqualTo(event.hash);
  }

  @Test
  void mintingRefusesAWrongPaymentAndStopsAtTheEditions() throws Exception {
    EmPropsCollection contract = as(deploy(1, List.of(new CollectionContract.Share(ARTIST, 10_000)), List.of(), 1),
        COLLECTOR);
    assertThatThrownBy(() -> contract.mint(PRICE.subtract(BigInteger.ONE)).send()).hasMessageContaining("revert");
    contract.mint(PRICE).send();
    assertThatThrownBy(() -> contract.mint(PRICE).send()).hasMessageContaining("revert");
    assertThat(contract.totalMinted().send()).isEqualTo(1);
  }

  @Test
  void proceedsAreSplitByTheReceiversPercentagesAndWithdrawnByEach() throws Exception {
    EmPropsCollection contract = deploy(10, List.of(new CollectionContract.Share(ARTIST, 8_750),
        new CollectionContract.Share(PLATFORM, 1_250)), List.of(), 1);
    EmPropsCollection asCollector = as(contract, COLLECTOR);
    asCollector.mint(PRICE).send();
    asCollector.mint(PRICE).send();

    BigInteger artistShare = PRICE.multiply(BigInteger.TWO).multiply(BigInteger.valueOf(8_750)).divide(BigInteger.valueOf(10_000));
    BigInteger platformShare = PRICE.multiply(BigInteger.TWO).subtract(artistShare);
    assertThat(contract.releasable(ARTIST).send()).isEqualTo(artistShare);
    assertThat(contract.releasable(PLATFORM).send()).isEqualTo(platformShare);

    BigInteger before = balance(ARTIST);
    asCollector.withdraw(ARTIST).send(); // anyone may trigger it; the money goes to the payee
    assertThat(balance(ARTIST).subtract(before)).isEqualTo(artistShare);
    assertThat(contract.releasable(ARTIST).send()).isZero();
    assertThatThrownBy(() -> asCollector.withdraw(ARTIST).send()).hasMessageContaining("revert");
    as(contract, Credentials.create(ChainServer.DEV_PRIVATE_KEY)).withdraw(PLATFORM).send();
    assertThat(balance(contract.getContractAddress())).isZero();
  }

  @Test
  void royaltiesAreReadThroughEip2981AndSeveralRoyaltyReceiversShareThemThroughTheContract() throws Exception {
    EmPropsCollection single = deploy(5, List.of(new CollectionContract.Share(ARTIST, 10_000)),
        List.of(new CollectionContract.Share(ROYALTY_A, 500)), 1);
    var royalty = single.royaltyInfo(BigInteger.ONE, BigInteger.valueOf(1_000_000)).send();
    assertThat(royalty.component1()).isEqualToIgnoringCase(ROYALTY_A);
    assertThat(royalty.component2()).isEqualTo(50_000); // 5%
    assertThat(single.supportsInterface(Numeric.hexStringToByteArray("0x2a55205a")).send()).isTrue();
    assertThat(single.supportsInterface(Numeric.hexStringToByteArray("0x80ac58cd")).send()).isTrue();

    EmPropsCollection shared = deploy(5, List.of(new CollectionContract.Share(ARTIST, 10_000)),
        List.of(new CollectionContract.Share(ROYALTY_A, 500), new CollectionContract.Share(ROYALTY_B, 250)), 1);
    var sharedRoyalty = shared.royaltyInfo(BigInteger.ONE, BigInteger.valueOf(1_000_000)).send();
    assertThat(sharedRoyalty.component1()).isEqualToIgnoringCase(shared.getContractAddress());
    assertThat(sharedRoyalty.component2()).isEqualTo(75_000);

    // A marketplace pays the royalty of a 1 ether sale to the contract; receivers get 5 : 2.5.
    BigInteger paid = new BigInteger("75000000000000000");
    String payment = manager(COLLECTOR).sendEIP1559Transaction(ChainServer.CHAIN_ID, BigInteger.TEN.pow(9),
        BigInteger.TEN.pow(10), BigInteger.valueOf(100_000), shared.getContractAddress(), "0x", paid)
        .getTransactionHash();
    assertThat(await().atMost(Duration.ofSeconds(10)).until(() -> node.receipt(payment), Optional::isPresent)
        .orElseThrow().status()).isTrue();
    assertThat(shared.releasable(ROYALTY_A).send()).isEqualTo(new BigInteger("50000000000000000"));
    assertThat(shared.releasable(ROYALTY_B).send()).isEqualTo(new BigInteger("25000000000000000"));
  }

  @Test
  void tokenAndContractUrisPointAtTheMetadataEndpoints() throws Exception {
    EmPropsCollection contract = deploy(5, List.of(new CollectionContract.Share(ARTIST, 10_000)), List.of(), 3);
    as(contract, COLLECTOR).mintBatch(BigInteger.valueOf(3), PRICE.multiply(BigInteger.valueOf(3))).send();
    assertThat(contract.tokenURI(BigInteger.valueOf(3)).send()).isEqualTo("https://api.emprops.test/metadata/c0ffee/3");
    assertThat(contract.contractURI().send()).isEqualTo("https://api.emprops.test/metadata/c0ffee/contract");
    assertThatThrownBy(() -> contract.tokenURI(BigInteger.valueOf(4)).send()).hasMessageContaining("revert");
  }

  @Test
  void aDeploymentWithInvalidSharesWouldRevertAndIsRefusedByTheEstimate() {
    String data = CollectionContract.deploymentData(arguments(5, List.of(new CollectionContract.Share(ARTIST, 9_000)),
        List.of(), 1));
    EvmNode.GasEstimate estimate = node.estimateDeployment(publisher.address(), data);
    assertThat(estimate.reverts()).isTrue();
  }

  private EmPropsCollection deploy(long editions, List<CollectionContract.Share> payees,
      List<CollectionContract.Share> royalties, long maxPerMint) {
    String data = CollectionContract.deploymentData(arguments(editions, payees, royalties, maxPerMint));
    EvmNode.GasEstimate gas = node.estimateDeployment(publisher.address(), data);
    assertThat(gas.reverts()).as("%s", gas.revertReason()).isFalse();
    SignedTransaction tx = publisher.signDeployment(ChainServer.CHAIN_ID, node.pendingNonce(publisher.address()),
        gas.gas(), data, new Fees(BigInteger.TEN.pow(10), BigInteger.TEN.pow(9)));
    assertThat(node.broadcast(tx.raw()).kind()).isEqualTo(EvmNode.BroadcastOutcome.Kind.ACCEPTED);
    // anvil mines right after accepting, on its own task: the receipt follows within milliseconds.
    EvmNode.Receipt receipt = await().atMost(Duration.ofSeconds(10)).until(() -> node.receipt(tx.hash()), Optional::isPresent)
        .orElseThrow();
    assertThat(receipt.status()).isTrue();
    assertThat(receipt.contractAddress()).isEqualToIgnoringCase(tx.contractAddress());
    return EmPropsCollection.load(tx.contractAddress(), node.web3j(), manager(COLLECTOR), gasProvider());
  }

  private static CollectionContract.Arguments arguments(long editions, List<CollectionContract.Share> payees,
      List<CollectionContract.Share> royalties, long maxPerMint) {
    return new CollectionContract.Arguments("Neon Portraits", "NP", editions, PRICE, maxPerMint,
        "https://api.emprops.test/metadata/c0ffee/", "https://api.emprops.test/metadata/c0ffee/contract", payees,
        royalties, TransactionSigner.of(ChainServer.DEV_PRIVATE_KEY).address());
  }

  private EmPropsCollection as(EmPropsCollection contract, Credentials who) {
    return EmPropsCollection.load(contract.getContractAddress(), node.web3j(), manager(who), gasProvider());
  }

  private RawTransactionManager manager(Credentials who) {
    return new RawTransactionManager(node.web3j(), who, ChainServer.CHAIN_ID,
        new PollingTransactionReceiptProcessor(node.web3j(), 100, 100));
  }

  private static StaticEIP1559GasProvider gasProvider() {
    return new StaticEIP1559GasProvider(ChainServer.CHAIN_ID, BigInteger.TEN.pow(10), BigInteger.TEN.pow(9),
        BigInteger.valueOf(1_000_000));
  }

  private BigInteger balance(String address) throws Exception {
    return node.web3j().ethGetBalance(address, DefaultBlockParameterName.LATEST).send().getBalance();
  }
}
