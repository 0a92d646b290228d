package io.emprops.publishing.domain.chains;

import io.emprops.events.contract.Blockchain;
import io.emprops.publishing.chain.ChainSpec;
import io.emprops.publishing.chain.EvmNode;
import io.emprops.publishing.chain.TransactionSigner;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The configured chains, which one publishes each blockchain, their nodes and the signer. At most
 * one enabled chain per blockchain, so a collection's chain is never ambiguous.
 */
public final class Chains implements AutoCloseable {

  /** Shown for Tezos until Tezos publishing exists. */
  public static final String TEZOS_UNSUPPORTED = "Tezos publishing is not available yet";

  private final List<ChainSpec> specs;
  private final Map<String, EvmNode> nodes = new LinkedHashMap<>();
  private final Optional<TransactionSigner> signer;

  public Chains(List<ChainSpec> specs, Optional<TransactionSigner> signer, Duration rpcTimeout) {
    this.specs = specs.stream().sorted(Comparator.comparing(ChainSpec::name)).toList();
    this.signer = signer;
    for (Blockchain blockchain : Blockchain.values()) {
      List<String> enabled = this.specs.stream()
          .filter(s -> s.enabled() && s.blockchains().contains(blockchain)).map(ChainSpec::name).toList();
      if (enabled.size() > 1) {
        throw new IllegalStateException("several enabled chains publish " + blockchain + ": " + enabled
            + "; enable one (emprops.publishing.chains.<name>.enabled=false for the others)");
      }
    }
    for (ChainSpec spec : this.specs) {
      if (spec.enabled()) {
        nodes.put(spec.name(), new EvmNode(spec.name(), spec.rpcUrl(), rpcTimeout));
      }
    }
  }

  public List<ChainSpec> all() {
    return specs;
  }

  public List<ChainSpec> enabled() {
    return specs.stream().filter(ChainSpec::enabled).toList();
  }

  public Optional<ChainSpec> byName(String name) {
    return specs.stream().filter(s -> s.name().equals(name)).findFirst();
  }

  public EvmNode node(ChainSpec chain) {
    EvmNode node = nodes.get(chain.name());
    if (node == null) {
      throw new IllegalStateException("chain " + chain.name() + " is disabled: " + chain.disabledReason());
    }
    return node;
  }

  public TransactionSigner signer() {
    return signer.orElseThrow(() -> new IllegalStateException("no signer key configured"));
  }

  /** Where collections of {@code blockchain} are published now, or why they cannot be. */
  public Availability availability(Blockchain blockchain) {
    if (blockchain == Blockchain.TEZOS) {
      return new Availability(blockchain, null, TEZOS_UNSUPPORTED);
    }
    List<ChainSpec> candidates = specs.stream().filter(s -> s.blockchains().contains(blockchain)).toList();
    Optional<ChainSpec> enabled = candidates.stream().filter(ChainSpec::enabled).findFirst();
    if (enabled.isPresent()) {
      return new Availability(blockchain, enabled.get(), null);
    }
    if (candidates.isEmpty()) {
      return new Availability(blockchain, null, "no chain is configured for " + blockchain);
    }
    return new Availability(blockchain, candidates.getFirst(), candidates.stream()
        .map(c -> c.name() + ": " + c.disabledReason()).collect(Collectors.joining("; ")));
  }

  /** Every blockchain with every chain configured for it, for {@code GET /chains}. */
  public List<ChainEntry> entries() {
    List<ChainEntry> entries = new ArrayList<>();
    for (Blockchain blockchain : Blockchain.values()) {
      if (blockchain == Blockchain.TEZOS) {
        entries.add(new ChainEntry(blockchain, "mainnet", null, false, null, TEZOS_UNSUPPORTED));
        continue;
      }
      specs.stream().filter(s -> s.blockchains().contains(blockchain)).forEach(s -> entries.add(
          new ChainEntry(blockchain, s.network(), s.chainId(), s.enabled(), s.confirmations(), s.disabledReason())));
    }
    return entries;
  }

  @Override
  public void close() {
    nodes.values().forEach(EvmNode::close);
  }

  /**
   * @param chain the chain that publishes it (when enabled), or the first configured one
   * @param reason why it cannot be published; null when it can
   */
  public record Availability(Blockchain blockchain, ChainSpec chain, String reason) {
    public boolean publishable() {
      return reason == null;
    }
  }

  /** One row of {@code GET /chains}. */
  public record ChainEntry(Blockchain blockchain, String network, Long chainId, boolean enabled,
      Integer confirmations, String reason) {}
}
