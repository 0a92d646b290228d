package io.emprops.publishing.domain.mint;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.stereotype.Component;

/**
 * The chain followers, per chain: {@code publishing_mint_blocks_processed_total},
 * {@code publishing_mints_announced_total}, {@code publishing_mint_reorgs_total} and
 * {@code publishing_mint_reorg_depth_blocks} (reorganisations deeper than the confirmation depth
 * that removed applied blocks), {@code publishing_mint_follower_lag_blocks} (confirmed blocks not
 * applied yet), {@code publishing_mint_poll_errors_total} and {@code publishing_mint_follower_leader}
 * (1 on the instance that follows the chain).
 */
@Component
public class MintMetrics {

  private final MeterRegistry registry;
  private final Map<String, AtomicLong> lag = new ConcurrentHashMap<>();
  private final Map<String, AtomicLong> leader = new ConcurrentHashMap<>();

  public MintMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  void blocks(String chain, int count) {
    Counter.builder("publishing.mint.blocks.processed").description("Confirmed blocks the chain follower applied")
        .tag("chain", chain).register(registry).increment(count);
  }

  void announced(String chain, int count) {
    Counter.builder("publishing.mints.announced").description("TokenMinted events written to the outbox")
        .tag("chain", chain).register(registry).increment(count);
  }

  void reorg(String chain, long depth) {
    Counter.builder("publishing.mint.reorgs")
        .description("Reorganisations that replaced blocks the chain follower had applied")
        .tag("chain", chain).register(registry).increment();
    DistributionSummary.builder("publishing.mint.reorg.depth").baseUnit("blocks").tag("chain", chain)
        .register(registry).record(depth);
  }

  void pollError(String chain) {
    Counter.builder("publishing.mint.poll.errors").description("Follower rounds that failed (node unreachable, …)")
        .tag("chain", chain).register(registry).increment();
  }

  void lag(String chain, long blocks) {
    gauge(lag, "publishing.mint.follower.lag.blocks", chain).set(blocks);
  }

  void leading(String chain, boolean leading) {
    gauge(leader, "publishing.mint.follower.leader", chain).set(leading ? 1 : 0);
  }

  private AtomicLong gauge(Map<String, AtomicLong> gauges, String name, String chain) {
    return gauges.computeIfAbsent(chain, c -> registry.gauge(name, Tags.of("chain", c), new AtomicLong()));
  }
}
