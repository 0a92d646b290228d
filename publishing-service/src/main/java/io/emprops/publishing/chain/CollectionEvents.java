package io.emprops.publishing.chain;

import io.emprops.publishing.chain.contract.EmPropsCollection;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.web3j.abi.EventEncoder;
import org.web3j.crypto.Keys;
import org.web3j.utils.Numeric;

/**
 * The mints in logs of {@code EmPropsCollection}: each {@code Minted(tokenId, hash)} paired with
 * the ERC-721 {@code Transfer(0, owner, tokenId)} of the same transaction, which names the owner.
 */
public final class CollectionEvents {

  public static final String MINTED_TOPIC = EventEncoder.encode(EmPropsCollection.MINTED_EVENT);
  public static final String TRANSFER_TOPIC = EventEncoder.encode(EmPropsCollection.TRANSFER_EVENT);
  /** The first topics {@link EvmNode#logs} should ask for. */
  public static final List<String> MINT_TOPICS = List.of(MINTED_TOPIC, TRANSFER_TOPIC);

  private static final BigInteger ZERO_ADDRESS = BigInteger.ZERO;

  private CollectionEvents() {}

  /**
   * One mint.
   *
   * @param contractAddress lower case, as logs carry it
   * @param owner EIP-55
   * @param hash {@code 0x} + 64 lower-case hex digits
   */
  public record Mint(String contractAddress, long tokenId, String owner, String hash, String txHash,
      long blockNumber, String blockHash, long logIndex) {}

  /**
   * The mints in {@code logs}, in their order.
   *
   * @throws IllegalStateException when a {@code Minted} has no mint {@code Transfer} in its
   *     transaction (not a contract this service deployed)
   */
  public static List<Mint> mints(List<EvmNode.LogEntry> logs) {
    Map<String, String> owners = new HashMap<>();
    for (EvmNode.LogEntry log : logs) {
      if (isTopic(log, TRANSFER_TOPIC) && log.topics().size() == 4
          && Numeric.toBigInt(log.topics().get(1)).equals(ZERO_ADDRESS)) {
        owners.put(key(log, Numeric.toBigInt(log.topics().get(3))),
            Keys.toChecksumAddress(Numeric.toHexStringWithPrefixZeroPadded(Numeric.toBigInt(log.topics().get(2)), 40)));
      }
    }
    List<Mint> mints = new ArrayList<>();
    for (EvmNode.LogEntry log : logs) {
      if (!isTopic(log, MINTED_TOPIC) || log.topics().size() != 2) {
        continue;
      }
      BigInteger tokenId = Numeric.toBigInt(log.topics().get(1));
      String owner = owners.get(key(log, tokenId));
      if (owner == null) {
        throw new IllegalStateException("Minted(" + tokenId + ") of " + log.address() + " in " + log.txHash()
            + " without its mint Transfer");
      }
      String data = Numeric.cleanHexPrefix(log.data()).toLowerCase(java.util.Locale.ROOT);
      mints.add(new Mint(log.address().toLowerCase(java.util.Locale.ROOT), tokenId.longValueExact(), owner,
          "0x" + data.substring(0, 64), log.txHash(), log.blockNumber(), log.blockHash(), log.logIndex()));
    }
    return mints;
  }

  private static boolean isTopic(EvmNode.LogEntry log, String topic) {
    return !log.topics().isEmpty() && topic.equalsIgnoreCase(log.topics().getFirst());
  }

  private static String key(EvmNode.LogEntry log, BigInteger tokenId) {
    return log.address().toLowerCase(java.util.Locale.ROOT) + "/" + log.txHash() + "/" + tokenId;
  }
}
