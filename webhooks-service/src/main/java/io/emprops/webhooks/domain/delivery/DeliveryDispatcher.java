package io.emprops.webhooks.domain.delivery;

import io.emprops.webhooks.domain.endpoint.SigningKeys;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Sends due deliveries. One loop per instance claims them ({@code FOR UPDATE SKIP LOCKED}, so any
 * number of instances share the queue), each attempt runs on its own virtual thread, and their
 * results are recorded in batches by one writer. The loop sleeps until the next delivery is due,
 * the poll interval passes, or it is woken: by a fan-out this instance committed, or by an attempt
 * that finished (its lane's next delivery may be due).
 *
 * <p>At-least-once: a delivery is claimed with a lease; if this instance dies before its result
 * is recorded, the lease runs out and any instance sends it again, with the same {@code webhook-id}.
 */
@Component
public class DeliveryDispatcher implements SmartLifecycle, DeliveryWakeup {

  private static final Logger log = LoggerFactory.getLogger(DeliveryDispatcher.class);
  private static final String USER_AGENT = "EmProps-Webhooks/1.0 (+https://standardwebhooks.com)";
  private static final int RECORD_BATCH = 500;

  private final DeliveryRepository deliveries;
  private final DeliveryOutcomes outcomes;
  private final SigningKeys signingKeys;
  private final WebhookTransport transport;
  private final DeliverySettings settings;
  private final DeliveryMetrics metrics;
  private final Clock clock;

  private final Object signal = new Object();
  private boolean signalled;
  private final Semaphore slots;
  private final Map<UUID, AtomicInteger> inFlightPerEndpoint = new ConcurrentHashMap<>();
  private final LinkedBlockingQueue<DeliveryOutcomes.Finished> results = new LinkedBlockingQueue<>();
  private volatile boolean running;
  private ExecutorService attempts;
  private Thread loop;
  private Thread writer;

  public DeliveryDispatcher(DeliveryRepository deliveries, DeliveryOutcomes outcomes, SigningKeys signingKeys,
      WebhookTransport transport, DeliverySettings settings, DeliveryMetrics metrics, Clock clock) {
    this.deliveries = deliveries;
    this.outcomes = outcomes;
    this.signingKeys = signingKeys;
    this.transport = transport;
    this.settings = settings;
    this.metrics = metrics;
    this.clock = clock;
    this.slots = new Semaphore(settings.concurrency());
  }

  @Override
  public void wake() {
    synchronized (signal) {
      signalled = true;
      signal.notifyAll();
    }
  }

  @Override
  public synchronized void start() {
    if (running) {
      return;
    }
    running = true;
    attempts = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("webhook-attempt-", 0).factory());
    writer = Thread.ofPlatform().name("webhook-outcomes").daemon().start(this::writeOutcomes);
    loop = Thread.ofPlatform().name("webhook-dispatcher").daemon().start(this::dispatch);
  }

  /** Stops claiming, lets attempts in flight finish (within the attempt timeout) and records them. */
  @Override
  public synchronized void stop() {
    if (!running) {
      return;
    }
    running = false;
    wake();
    try {
      loop.join(5_000);
      attempts.shutdown();
      if (!attempts.awaitTermination(20, TimeUnit.SECONDS)) {
        log.warn("Webhook attempts still running at shutdown: their leases will run out and they will be sent again");
      }
      writer.interrupt();
      writer.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    flush();
  }

  @Override
  public boolean isRunning() {
    return running;
  }

  /** After the web server stopped and before the consumer and the datasource do. */
  @Override
  public int getPhase() {
    return Integer.MAX_VALUE - 2048;
  }

  private void dispatch() {
    while (running) {
      try {
        int wanted = Math.min(slots.availablePermits(), settings.batchSize());
        List<ClaimedDelivery> claimed = wanted == 0 ? List.of()
            : deliveries.claim(wanted, settings.perEndpointConcurrency(), busyEndpoints(), settings.lease());
        if (!claimed.isEmpty()) {
          metrics.claimed(claimed.size());
        }
        claimed.forEach(this::start);
        if (!claimed.isEmpty()) {
          continue;
        }
        await(wanted == 0 ? settings.pollInterval() : untilNextDue());
      } catch (RuntimeException e) {
        log.warn("Webhook dispatch failed; trying again in {}: {}", settings.pollInterval(), e.toString());
        await(settings.pollInterval());
      }
    }
  }

  private Set<UUID> busyEndpoints() {
    return inFlightPerEndpoint.entrySet().stream()
        .filter(e -> e.getValue().get() >= settings.perEndpointConcurrency())
        .map(Map.Entry::getKey)
        .collect(Collectors.toSet());
  }

  /**
   * Until the next delivery is due, at most the poll interval. One due already but not claimable
   * (its endpoint is at its concurrency, another instance holds it) is not worth spinning for: a
   * finishing attempt wakes the loop.
   */
  private Duration untilNextDue() {
    Duration poll = settings.pollInterval();
    return deliveries.nextDue()
        .map(due -> Duration.between(clock.instant(), due))
        .filter(d -> d.isPositive() && d.compareTo(poll) < 0)
        .orElse(poll);
  }

  private void await(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (signal) {
      while (!signalled && running) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          break;
        }
        try {
          TimeUnit.NANOSECONDS.timedWait(signal, left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
      signalled = false;
    }
  }

  private void start(ClaimedDelivery delivery) {
    slots.acquireUninterruptibly();
    inFlightPerEndpoint.computeIfAbsent(delivery.endpointId(), id -> new AtomicInteger()).incrementAndGet();
    attempts.execute(() -> {
      Instant attemptedAt = clock.instant();
      AttemptResult result;
      try {
        result = attempt(delivery, attemptedAt);
      } catch (RuntimeException e) {
        log.warn("Webhook delivery {} attempt {} could not be made", delivery.id(), delivery.attempt(), e);
        result = AttemptResult.unreachable(0, "the attempt could not be made: " + e.getMessage());
      } finally {
        inFlightPerEndpoint.get(delivery.endpointId()).decrementAndGet();
        slots.release();
      }
      metrics.attempted(result);
      results.add(new DeliveryOutcomes.Finished(delivery, result, attemptedAt));
    });
  }

  private AttemptResult attempt(ClaimedDelivery delivery, Instant attemptedAt) {
    byte[] body = delivery.body().getBytes(StandardCharsets.UTF_8);
    String webhookId = Message.webhookId(delivery.messageId());
    long timestamp = attemptedAt.getEpochSecond();
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("content-type", "application/json");
    headers.put("user-agent", USER_AGENT);
    headers.put("webhook-id", webhookId);
    headers.put("webhook-timestamp", Long.toString(timestamp));
    headers.put("webhook-signature",
        Signatures.header(webhookId, timestamp, body, signingKeys.of(delivery.secrets())));
    return transport.post(delivery.url(), headers, body);
  }

  /** Records finished attempts in batches; a batch that fails is recorded one by one. */
  private void writeOutcomes() {
    while (running || !results.isEmpty()) {
      try {
        DeliveryOutcomes.Finished first = results.poll(200, TimeUnit.MILLISECONDS);
        if (first == null) {
          continue;
        }
        List<DeliveryOutcomes.Finished> batch = new ArrayList<>(List.of(first));
        results.drainTo(batch, RECORD_BATCH - 1);
        write(batch);
        wake();
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private void flush() {
    List<DeliveryOutcomes.Finished> rest = new ArrayList<>();
    results.drainTo(rest);
    if (!rest.isEmpty()) {
      write(rest);
    }
  }

  private void write(List<DeliveryOutcomes.Finished> batch) {
    try {
      outcomes.record(batch);
    } catch (RuntimeException batchFailure) {
      for (DeliveryOutcomes.Finished one : batch) {
        try {
          outcomes.record(List.of(one));
        } catch (RuntimeException e) {
          // Its lease runs out and it is attempted again: at least once, never lost.
          log.warn("Could not record attempt {} of webhook delivery {}: {}", one.delivery().attempt(),
              one.delivery().id(), e.toString());
        }
      }
    }
  }
}
