package io.emprops.publishing.chain;

import io.emprops.publishing.chain.contract.EmPropsCollection;
import java.math.BigInteger;
import java.util.List;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.datatypes.Address;
import org.web3j.abi.datatypes.DynamicArray;
import org.web3j.abi.datatypes.Type;
import org.web3j.abi.datatypes.Utf8String;
import org.web3j.abi.datatypes.generated.Uint256;

/**
 * The deployment of {@code EmPropsCollection} (publishing-service/contracts): its creation code
 * (committed, reproduced by contracts/build.sh) followed by the ABI-encoded constructor arguments.
 */
public final class CollectionContract {

  private CollectionContract() {}

  /**
   * The constructor's arguments.
   *
   * @param priceWei what one token costs
   * @param maxPerMint the most tokens one {@code mintBatch} call mints (1: no batch minting)
   * @param payees primary-sale receivers with their shares in basis points (adding up to 10,000)
   * @param royaltyPayees royalty receivers with their shares in basis points of a sale price
   * @param owner who may later change the metadata URIs
   */
  public record Arguments(String name, String symbol, long editions, BigInteger priceWei, long maxPerMint,
      String baseTokenUri, String contractUri, List<Share> payees, List<Share> royaltyPayees, String owner) {}

  public record Share(String address, int basisPoints) {}

  /** The data of the contract-creation transaction. */
  public static String deploymentData(Arguments a) {
    List<Type> arguments = List.of(
        new Utf8String(a.name()),
        new Utf8String(a.symbol()),
        new Uint256(a.editions()),
        new Uint256(a.priceWei()),
        new Uint256(a.maxPerMint()),
        new Utf8String(a.baseTokenUri()),
        new Utf8String(a.contractUri()),
        addresses(a.payees()),
        shares(a.payees()),
        addresses(a.royaltyPayees()),
        shares(a.royaltyPayees()),
        new Address(a.owner()));
    return "0x" + EmPropsCollection.BINARY + FunctionEncoder.encodeConstructor(arguments);
  }

  private static DynamicArray<Address> addresses(List<Share> shares) {
    return new DynamicArray<>(Address.class, shares.stream().map(s -> new Address(s.address())).toList());
  }

  private static DynamicArray<Uint256> shares(List<Share> shares) {
    return new DynamicArray<>(Uint256.class, shares.stream().map(s -> new Uint256(s.basisPoints())).toList());
  }
}
