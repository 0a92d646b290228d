package io.emprops.publishing.domain.publication;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.stereotype.Component;

/**
 * {@code publishing_publications_total{outcome}}, {@code publishing_publication_duration_seconds}
 * (request → confirmed), {@code publishing_transactions_total{event}} (signed, broadcast,
 * replaced, rebroadcast, nonce_recovered, reorged), {@code publishing_rpc_failures_total{chain}},
 * {@code publishing_publications_in_flight{chain}} and {@code publishing_chain_workers_leader}.
 */
@Component
public class PublicationMetrics {

  private final MeterRegistry registry;
  private final Timer duration;
  private final Map<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();
  private final AtomicInteger leader = new AtomicInteger();

  public PublicationMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.duration = Timer.builder("publishing.publication.duration")
        .description("From the publish request to the confirmed deployment")
        .publishPercentiles(0.5, 0.99).register(registry);
    registry.gauge("publishing.chain.workers.leader", leader);
  }

  void accepted() {
    outcome("accepted");
  }

  void confirmed(Duration sinceRequest) {
    outcome("confirmed");
    if (sinceRequest != null) {
      duration.record(sinceRequest);
    }
  }

  void failed(String code) {
    Counter.builder("publishing.publications").tag("outcome", "failed").tag("code", code).register(registry).increment();
  }

  private void outcome(String outcome) {
    Counter.builder("publishing.publications").tag("outcome", outcome).tag("code", "").register(registry).increment();
  }

  void transaction(String event) {
    Counter.builder("publishing.transactions").description("Deployment transactions by what happened to them")
        .tag("event", event).register(registry).increment();
  }

  void rpcFailure(String chain) {
    Counter.builder("publishing.rpc.failures").tag("chain", chain).register(registry).increment();
  }

  void inFlight(String chain, int count) {
    inFlight.computeIfAbsent(chain, c -> registry.gauge("publishing.publications.in.flight",
        io.micrometer.core.instrument.Tags.of("chain", c), new AtomicInteger())).set(count);
  }

  void leading(boolean leading) {
    leader.set(leading ? 1 : 0);
  }
}
