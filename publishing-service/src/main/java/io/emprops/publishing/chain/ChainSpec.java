package io.emprops.publishing.chain;

import io.emprops.events.contract.Blockchain;
import java.math.BigInteger;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;

/**
 * One configured EVM network and how publishing uses it.
 *
 * @param name the configuration key ({@code sepolia}, {@code local}, …)
 * @param blockchains the collections it publishes: usually one blockchain; the local stack's
 *     anvil serves both ETHEREUM and BASE
 * @param network what {@code GET /chains} calls it ({@code mainnet}, {@code sepolia}, {@code anvil})
 * @param rpcUrl JSON-RPC endpoint; null when none is configured (then the chain is disabled)
 * @param confirmations blocks, counting the one holding the transaction, before a deployment counts
 * @param maxFeePerGas the most this chain may charge per gas (EIP-1559 fee cap), in wei
 * @param maxPriorityFeePerGas the most tip per gas, in wei
 * @param maxDeploymentCost the most one deployment may cost at the fees of the moment, in wei
 * @param pollInterval how often the chain is read while publications are in flight
 * @param stuckAfter how long a broadcast transaction may stay unmined before it is replaced
 * @param disabledReason why the chain is disabled; null when enabled
 */
public record ChainSpec(
    String name,
    Set<Blockchain> blockchains,
    String network,
    long chainId,
    URI rpcUrl,
    int confirmations,
    BigInteger maxFeePerGas,
    BigInteger maxPriorityFeePerGas,
    BigInteger maxDeploymentCost,
    Duration pollInterval,
    Duration stuckAfter,
    String disabledReason) {

  public ChainSpec {
    Objects.requireNonNull(name, "name");
    blockchains = Set.copyOf(blockchains);
    if (blockchains.isEmpty()) {
      throw new IllegalArgumentException("chain " + name + ": blockchains must name ETHEREUM, BASE or both");
    }
    if (blockchains.contains(Blockchain.TEZOS)) {
      throw new IllegalArgumentException("chain " + name + ": only EVM chains (ETHEREUM, BASE) are supported");
    }
    if (confirmations < 1) {
      throw new IllegalArgumentException("chain " + name + ": confirmations must be at least 1");
    }
    if (maxPriorityFeePerGas.compareTo(maxFeePerGas) > 0) {
      throw new IllegalArgumentException("chain " + name + ": max-priority-fee-per-gas exceeds max-fee-per-gas");
    }
  }

  public boolean enabled() {
    return disabledReason == null;
  }
}
