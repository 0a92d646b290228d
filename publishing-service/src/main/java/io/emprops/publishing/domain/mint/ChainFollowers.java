package io.emprops.publishing.domain.mint;

import io.emprops.events.relay.LeaderLock;
import io.emprops.publishing.chain.ChainSpec;
import io.emprops.publishing.chain.ChainUnavailableException;
import io.emprops.publishing.domain.chains.Chains;
import io.emprops.publishing.persistence.ChainFollowRepository;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
 * Runs one {@link ChainFollower} per enabled chain, each on the one instance that holds that
 * chain's lock (a Postgres advisory lock named after the chain id: a dead instance's lock goes
 * with its session and a standby takes over at its next round). A round follows the last one at
 * once while there is more to read, else after the poll interval. An unreachable node or a failed
 * round is logged and counted and retried after a growing pause (up to 30 s); it never stops the
 * service, and readiness does not depend on it.
 */
@Component
public class ChainFollowers implements SmartLifecycle {

  private static final Logger log = LoggerFactory.getLogger(ChainFollowers.class);
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

  private final DataSource dataSource;
  private final MintMetrics metrics;
  private final MintFollowing settings;
  private final String schema;
  private final List<ChainFollower> followers = new ArrayList<>();
  private final List<Thread> threads = new ArrayList<>();
  private volatile boolean running;

  public ChainFollowers(Chains chains, DataSource dataSource, ChainFollowRepository store,
      MintNotifications notifications, PlatformTransactionManager transactionManager, MintMetrics metrics,
      MintFollowing settings, @Value("${emprops.service.schema}") String schema) {
    this.dataSource = dataSource;
    this.metrics = metrics;
    this.settings = settings;
    this.schema = schema;
    TransactionTemplate transaction = new TransactionTemplate(transactionManager);
    if (settings.enabled()) {
      for (ChainSpec chain : chains.enabled()) {
        followers.add(new ChainFollower(chain, chains.node(chain), store, notifications, transaction, metrics,
            settings));
      }
    }
  }

  /** The name of the lock whose holder follows {@code chain}. */
  public static String lockName(String schema, long chainId) {
    return schema + ".chain-follower." + chainId;
  }

  @Override
  public synchronized void start() {
    if (running) {
      return;
    }
    running = true;
    for (ChainFollower follower : followers) {
      threads.add(Thread.ofPlatform().name("chain-follower-" + follower.chain().name()).daemon()
          .start(() -> follow(follower)));
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

  /** After the relay is up, before it on the way down (like the publication workers). */
  @Override
  public int getPhase() {
    return Integer.MAX_VALUE - 1000;
  }

  private void follow(ChainFollower follower) {
    ChainSpec chain = follower.chain();
    Duration backoff = Duration.ZERO;
    boolean leading = false;
    try (LeaderLock lock = LeaderLock.named(dataSource::getConnection, lockName(schema, chain.chainId()))) {
      while (running) {
        boolean now;
        try {
          now = leading && lock.stillHeld();
          if (!now) {
            lock.release(); // a lost session (or none yet): take the lock afresh if nobody holds it
            now = lock.tryAcquire();
          }
        } catch (SQLException e) {
          log.warn("Chain follower of {}: lock unavailable: {}", chain.name(), e.getMessage());
          lock.release();
          now = false;
        }
        if (now != leading) {
          leading = now;
          metrics.leading(chain.name(), now);
          log.info("Chain follower of {} (chain id {}) {} on this instance", chain.name(), chain.chainId(),
              now ? "runs" : "stands by");
        }
        Duration wait = settings.pollInterval();
        if (leading) {
          try {
            if (follower.round()) {
              wait = Duration.ZERO;
            }
            backoff = Duration.ZERO;
          } catch (ChainUnavailableException e) {
            metrics.pollError(chain.name());
            backoff = next(backoff);
            wait = backoff;
            log.warn("Chain follower of {}: chain unreachable ({}); next round in {} ms", chain.name(),
                e.getMessage(), wait.toMillis());
          } catch (RuntimeException e) {
            if (!running) {
              break;
            }
            metrics.pollError(chain.name());
            backoff = next(backoff);
            wait = backoff;
            log.error("Chain follower of {}: round failed; next round in {} ms", chain.name(), wait.toMillis(), e);
          }
        }
        if (!wait.isZero()) {
          try {
            Thread.sleep(wait);
          } catch (InterruptedException e) {
            break;
          }
        } else if (Thread.currentThread().isInterrupted()) {
          break;
        }
      }
    } finally {
      metrics.leading(chain.name(), false);
    }
  }

  private Duration next(Duration backoff) {
    Duration doubled = backoff.isZero() ? settings.pollInterval() : backoff.multipliedBy(2);
    return doubled.compareTo(MAX_BACKOFF) <= 0 ? doubled : MAX_BACKOFF;
  }
}
