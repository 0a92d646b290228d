package io.emprops.publishing.chain;

import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import okhttp3.OkHttpClient;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameter;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.BatchRequest;
import org.web3j.protocol.core.BatchResponse;
import org.web3j.protocol.core.Request;
import org.web3j.protocol.core.Response;
import org.web3j.protocol.core.methods.request.EthFilter;
import org.web3j.protocol.core.methods.request.Transaction;
import org.web3j.protocol.core.methods.response.EthBlock;
import org.web3j.protocol.core.methods.response.EthLog;
import org.web3j.protocol.http.HttpService;

/**
 * The JSON-RPC calls publishing makes to one EVM node, typed, with one failure model: an
 * unreachable or failing node throws {@link ChainUnavailableException}; an answer the node gives
 * on purpose (a revert, a refused transaction) is a value.
 */
public final class EvmNode implements AutoCloseable {

  private final String name;
  private final Web3j web3j;

  public EvmNode(String name, URI rpcUrl, Duration timeout) {
    this.name = name;
    OkHttpClient http = new OkHttpClient.Builder()
        .connectTimeout(Duration.ofSeconds(Math.min(2, Math.max(1, timeout.toSeconds()))))
        .readTimeout(timeout)
        .writeTimeout(timeout)
        .retryOnConnectionFailure(false)
        .build();
    this.web3j = Web3j.build(new HttpService(rpcUrl.toString(), http));
  }

  /** The underlying client, for contract wrappers. */
  public Web3j web3j() {
    return web3j;
  }

  public long chainId() {
    return call("eth_chainId", web3j.ethChainId()).getChainId().longValueExact();
  }

  public long blockNumber() {
    return call("eth_blockNumber", web3j.ethBlockNumber()).getBlockNumber().longValueExact();
  }

  public BlockHeader latestBlock() {
    return block(DefaultBlockParameterName.LATEST)
        .orElseThrow(() -> new ChainUnavailableException(name + ": no latest block", null));
  }

  /** The canonical block at {@code number}, if the chain is that long. */
  public Optional<BlockHeader> block(long number) {
    return block(DefaultBlockParameter.valueOf(BigInteger.valueOf(number)));
  }

  private Optional<BlockHeader> block(DefaultBlockParameter which) {
    EthBlock.Block block = call("eth_getBlockByNumber", web3j.ethGetBlockByNumber(which, false)).getBlock();
    return Optional.ofNullable(block).map(b -> new BlockHeader(b.getNumber().longValueExact(), b.getHash(),
        b.getBaseFeePerGasRaw() == null ? BigInteger.ZERO : b.getBaseFeePerGas(), b.getGasLimit(),
        b.getTimestamp().longValueExact()));
  }

  /**
   * The canonical blocks {@code from … to} (inclusive) with their parent hashes, in one batched
   * call; shorter than asked when the chain ends before {@code to}.
   */
  public List<BlockLink> blockLinks(long from, long to) {
    if (to < from) {
      return List.of();
    }
    BatchRequest batch = web3j.newBatch();
    for (long n = from; n <= to; n++) {
      batch.add(web3j.ethGetBlockByNumber(DefaultBlockParameter.valueOf(BigInteger.valueOf(n)), false));
    }
    BatchResponse response;
    try {
      response = batch.send();
    } catch (IOException | RuntimeException e) {
      throw new ChainUnavailableException(name + ": eth_getBlockByNumber (batch): " + e.getMessage(), e);
    }
    List<BlockLink> links = new ArrayList<>();
    for (Response<?> r : response.getResponses()) {
      if (r.hasError()) {
        throw new ChainUnavailableException(name + ": eth_getBlockByNumber failed: " + r.getError().getMessage(), null);
      }
      EthBlock.Block b = ((EthBlock) r).getBlock();
      if (b == null) {
        break;
      }
      links.add(new BlockLink(b.getNumber().longValueExact(), b.getHash(), b.getParentHash(),
          b.getTimestamp().longValueExact()));
    }
    return links;
  }

  /** The canonical block at {@code number} with its parent hash, if the chain is that long. */
  public Optional<BlockLink> blockLink(long number) {
    return blockLinks(number, number).stream().findFirst();
  }

  /**
   * {@code eth_getLogs} of {@code addresses} over blocks {@code from … to} (inclusive) whose first
   * topic is one of {@code topics0}, in chain order.
   */
  public List<LogEntry> logs(long from, long to, List<String> addresses, List<String> topics0) {
    EthFilter filter = new EthFilter(DefaultBlockParameter.valueOf(BigInteger.valueOf(from)),
        DefaultBlockParameter.valueOf(BigInteger.valueOf(to)), addresses);
    filter.addOptionalTopics(topics0.toArray(String[]::new));
    List<LogEntry> entries = new ArrayList<>();
    for (EthLog.LogResult<?> result : call("eth_getLogs", web3j.ethGetLogs(filter)).getLogs()) {
      if (result.get() instanceof org.web3j.protocol.core.methods.response.Log log) {
        entries.add(new LogEntry(log.getAddress(), log.getBlockNumber().longValueExact(), log.getBlockHash(),
            log.getTransactionHash(), log.getLogIndex().longValueExact(), log.getTopics(), log.getData(),
            log.isRemoved()));
      }
    }
    return entries;
  }

  /** Transactions {@code address} has sent, counting those still in the node's pool. */
  public BigInteger pendingNonce(String address) {
    return nonce(address, DefaultBlockParameterName.PENDING);
  }

  /** Transactions {@code address} has sent in blocks up to {@code blockNumber}. */
  public BigInteger nonceAt(String address, long blockNumber) {
    return nonce(address, DefaultBlockParameter.valueOf(BigInteger.valueOf(blockNumber)));
  }

  private BigInteger nonce(String address, DefaultBlockParameter at) {
    return call("eth_getTransactionCount", web3j.ethGetTransactionCount(address, at)).getTransactionCount();
  }

  public BigInteger balance(String address) {
    return call("eth_getBalance", web3j.ethGetBalance(address, DefaultBlockParameterName.LATEST)).getBalance();
  }

  /** The node's suggested tip; zero when it has no opinion. */
  public BigInteger suggestedPriorityFee() {
    var response = send("eth_maxPriorityFeePerGas", web3j.ethMaxPriorityFeePerGas());
    return response.hasError() ? BigInteger.ZERO : response.getMaxPriorityFeePerGas();
  }

  /** Gas a contract creation from {@code from} would use, or the reason it would revert. */
  public GasEstimate estimateDeployment(String from, String data) {
    var response = send("eth_estimateGas",
        web3j.ethEstimateGas(new Transaction(from, null, null, null, null, BigInteger.ZERO, data)));
    if (response.hasError()) {
      return GasEstimate.reverted(response.getError().getMessage());
    }
    return GasEstimate.of(response.getAmountUsed());
  }

  /** Broadcasts signed bytes; what the node said, classified. */
  public BroadcastOutcome broadcast(String rawTransaction) {
    var response = send("eth_sendRawTransaction", web3j.ethSendRawTransaction(rawTransaction));
    return response.hasError() ? BroadcastOutcome.refused(response.getError().getMessage()) : BroadcastOutcome.ACCEPTED;
  }

  public Optional<Receipt> receipt(String txHash) {
    return call("eth_getTransactionReceipt", web3j.ethGetTransactionReceipt(txHash)).getTransactionReceipt()
        .map(r -> new Receipt(r.getTransactionHash(), r.getBlockNumber().longValueExact(), r.getBlockHash(),
            r.isStatusOK(), r.getContractAddress(), r.getGasUsed()));
  }

  /** Whether the node knows the transaction at all (in its pool or in a block). */
  public boolean knows(String txHash) {
    return call("eth_getTransactionByHash", web3j.ethGetTransactionByHash(txHash)).getTransaction().isPresent();
  }

  /** Code deployed at {@code address} ("0x" when none). */
  public String code(String address) {
    return call("eth_getCode", web3j.ethGetCode(address, DefaultBlockParameterName.LATEST)).getCode();
  }

  private <T extends Response<?>> T call(String method, Request<?, T> request) {
    T response = send(method, request);
    if (response.hasError()) {
      throw new ChainUnavailableException(name + ": " + method + " failed: " + response.getError().getMessage(), null);
    }
    return response;
  }

  private <T extends Response<?>> T send(String method, Request<?, T> request) {
    try {
      return request.send();
    } catch (IOException | RuntimeException e) {
      throw new ChainUnavailableException(name + ": " + method + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    web3j.shutdown();
  }

  /** A block's identity and what publishing reads of it. */
  public record BlockHeader(long number, String hash, BigInteger baseFeePerGas, BigInteger gasLimit, long timestamp) {}

  /** A block's place in the chain: its hash, its parent's, and its time (epoch seconds). */
  public record BlockLink(long number, String hash, String parentHash, long timestamp) {}

  /** One log of {@code eth_getLogs}. */
  public record LogEntry(String address, long blockNumber, String blockHash, String txHash, long logIndex,
      List<String> topics, String data, boolean removed) {}

  /** @param status false when the transaction reverted */
  public record Receipt(String txHash, long blockNumber, String blockHash, boolean status, String contractAddress,
      BigInteger gasUsed) {}

  /** @param gas null when the transaction would revert, with {@code revertReason} */
  public record GasEstimate(BigInteger gas, String revertReason) {
    static GasEstimate of(BigInteger gas) {
      return new GasEstimate(gas, null);
    }

    static GasEstimate reverted(String reason) {
      return new GasEstimate(null, reason);
    }

    public boolean reverts() {
      return gas == null;
    }
  }

  /** Node-specific texts (geth, reth, anvil) of {@code eth_sendRawTransaction} errors, as kinds. */
  public record BroadcastOutcome(Kind kind, String message) {
    static final BroadcastOutcome ACCEPTED = new BroadcastOutcome(Kind.ACCEPTED, null);

    public enum Kind {
      /** In the pool now. */
      ACCEPTED,
      /** The node already has exactly this transaction. */
      ALREADY_KNOWN,
      /** The signer's nonce has moved past this transaction's: it was mined, or another one took it. */
      NONCE_TOO_LOW,
      /** Another transaction with this nonce is in the pool and pays as much or more. */
      UNDERPRICED,
      /** The fee cap is below the current base fee. */
      FEE_TOO_LOW,
      INSUFFICIENT_FUNDS,
      /** Anything else the node refused. */
      REFUSED
    }

    static BroadcastOutcome refused(String message) {
      String m = message == null ? "" : message.toLowerCase(Locale.ROOT);
      Kind kind;
      if (m.contains("already known") || m.contains("known transaction") || m.contains("already imported")
          || m.contains("alreadyknown") || m.contains("already exists")) {
        kind = Kind.ALREADY_KNOWN;
      } else if (m.contains("nonce too low") || m.contains("noncetoolow") || m.contains("nonce is too low")) {
        kind = Kind.NONCE_TOO_LOW;
      } else if (m.contains("underpriced")) {
        kind = Kind.UNDERPRICED;
      } else if (m.contains("less than block base fee") || m.contains("feecaptoolow") || m.contains("fee cap too low")
          || m.contains("max fee per gas less than")) {
        kind = Kind.FEE_TOO_LOW;
      } else if (m.contains("insufficient funds")) {
        kind = Kind.INSUFFICIENT_FUNDS;
      } else {
        kind = Kind.REFUSED;
      }
      return new BroadcastOutcome(kind, message);
    }
  }
}
