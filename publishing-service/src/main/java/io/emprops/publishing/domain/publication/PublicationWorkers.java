package io.emprops.publishing.domain.publication;

import io.emprops.events.relay.LeaderLock;
import io.emprops.publishing.chain.ChainSpec;
import io.emprops.publishing.chain.ChainUnavailableException;
import io.emprops.publishing.domain.chains.Chains;
import io.emprops.publishing.persistence.NonceRepository;
import io.emprops.publishing.persistence.PublicationRepository;
import io.emprops.publishing.persistence.TransactionRepository;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Runs one {@link ChainPublisher} per enabled chain, on the one instance that holds the workers'
 * leader lock (a Postgres advisory lock: a dead leader's lock goes with its session, and a standby
 * takes over within a second). A chain's thread runs a round when woken by a new request, every
 * poll interval while publications are in flight, and every idle interval otherwise (requests
 * another instance accepted). An unreachable node makes the round end and the next one wait a
 * growing pause, up to 10 s; nothing is lost, the saga resumes from the rows.
 */
@Component
public class PublicationWorkers implements SmartLifecycle {

  private static final Logger log = LoggerFactory.getLogger(PublicationWorkers.class);
  private static final Duration LEADER_CHECK = Duration.ofSeconds(1);
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(10);

  private final Chains chains;
  private final DataSource dataSource;
  private final PublishingSettings settings;
  private final Map<String, Semaphore> wakeups = new ConcurrentHashMap<>();
  private final List<ChainPublisher> publishers = new ArrayList<>();
  private final List<Thread> threads = new ArrayList<>();
  private final PublicationMetrics metrics;
  private final String lockName;
  private volatile boolean running;
  private volatile boolean leading;

  public PublicationWorkers(Chains chains, DataSource dataSource, PublishingSettings settings,
      PublicationRepository publications, TransactionRepository transactions, NonceRepository nonces,
      PublicationNotifications notifications, PlatformTransactionManager transactionManager,
      PublicationCheckpoints checkpoints, PublicationMetrics metrics, Clock clock,
      @Value("${emprops.service.schema}") String schema) {
    this.chains = chains;
    this.dataSource = dataSource;
    this.settings = settings;
    this.metrics = metrics;
    this.lockName = schema + ".publication-workers";
    TransactionTemplate transaction = new TransactionTemplate(transactionManager);
    for (ChainSpec chain : chains.enabled()) {
      publishers.add(new ChainPublisher(chain, chains.node(chain), chains.signer(), publications, transactions, nonces,
          notifications, transaction, checkpoints, metrics, clock, settings.metadataBaseUrl(), settings.batchSize()));
      wakeups.put(chain.name(), new Semaphore(0));
    }
  }

  /** Runs a round of {@code chainName} now rather than at its next interval. */
  public void wake(String chainName) {
    Semaphore wakeup = wakeups.get(chainName);
    if (wakeup != null && wakeup.availablePermits() == 0) {
      wakeup.release();
    }
  }

  /** Whether this instance runs the chain workers now. */
  public boolean leading() {
    return leading;
  }

  @Override
  public synchronized void start() {
    if (running || publishers.isEmpty()) {
      running = !publishers.isEmpty();
      return;
    }
    running = true;
    threads.add(Thread.ofPlatform().name("publication-leader").daemon().start(this::lead));
    for (ChainPublisher publisher : publishers) {
      threads.add(Thread.ofPlatform().name("publication-" + publisher.chain().name()).daemon()
          .start(() -> work(publisher)));
    }
  }

  @Override
  public synchronized void stop() {
    running = false;
    threads.forEach(Thread::interrupt);
    for (Thread thread : threads) {
      try {
        thread.join(TimeUnit.SECONDS.toMillis(15));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    threads.clear();
  }

  @Override
  public boolean isRunning() {
    return running;
  }

  /** After the inbox and the relay are up, before them on the way down. */
  @Override
  public int getPhase() {
    return Integer.MAX_VALUE - 1000;
  }

  private void lead() {
    try (LeaderLock lock = LeaderLock.named(dataSource::getConnection, lockName)) {
      while (running) {
        boolean now;
        try {
          now = leading ? lock.stillHeld() : lock.tryAcquire();
        } catch (SQLException e) {
          log.warn("Publication workers: leader lock unavailable: {}", e.getMessage());
          lock.release();
          now = false;
        }
        if (now != leading) {
          leading = now;
          metrics.leading(now);
          log.info("Publication workers {} on this instance", now ? "run" : "stand by");
          if (now) {
            wakeups.values().forEach(Semaphore::release);
          }
        }
        if (!sleep(LEADER_CHECK)) {
          break;
        }
      }
    } finally {
      leading = false;
      metrics.leading(false);
    }
  }

  private void work(ChainPublisher publisher) {
    String chain = publisher.chain().name();
    Semaphore wakeup = wakeups.get(chain);
    Duration backoff = Duration.ZERO;
    while (running) {
      Duration wait = settings.idleInterval();
      if (leading) {
        try {
          if (publisher.round() > 0) {
            wait = publisher.chain().pollInterval();
          }
          backoff = Duration.ZERO;
        } catch (ChainUnavailableException e) {
          metrics.rpcFailure(chain);
          backoff = backoff.isZero() ? publisher.chain().pollInterval() : min(backoff.multipliedBy(2), MAX_BACKOFF);
          wait = backoff;
          log.warn("Publication worker of {}: chain unreachable ({}); next round in {} ms", chain, e.getMessage(),
              backoff.toMillis());
        } catch (RuntimeException e) {
          if (!running) {
            break;
          }
          backoff = backoff.isZero() ? publisher.chain().pollInterval() : min(backoff.multipliedBy(2), MAX_BACKOFF);
          wait = backoff;
          log.error("Publication worker of {}: round failed; next round in {} ms", chain, backoff.toMillis(), e);
        }
      }
      try {
        if (wakeup.tryAcquire(wait.toMillis(), TimeUnit.MILLISECONDS)) {
          wakeup.drainPermits();
        }
      } catch (InterruptedException e) {
        break;
      }
    }
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  private boolean sleep(Duration duration) {
    try {
      Thread.sleep(duration);
      return true;
    } catch (InterruptedException e) {
      return false;
    }
  }
}
