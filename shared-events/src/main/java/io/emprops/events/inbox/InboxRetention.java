package io.emprops.events.inbox;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Keeps the inbox from growing forever: every hour, forgets claims older than the retention.
 * Every instance sweeps; the delete is idempotent and cheap (indexed by age).
 */
public class InboxRetention implements SmartLifecycle {

  private static final Logger log = LoggerFactory.getLogger(InboxRetention.class);
  private static final Duration SWEEP_INTERVAL = Duration.ofHours(1);

  private final Inbox inbox;
  private final Duration retention;
  private ScheduledExecutorService scheduler;

  public InboxRetention(Inbox inbox, Duration retention) {
    this.inbox = inbox;
    this.retention = retention;
  }

  @Override
  public synchronized void start() {
    scheduler = Executors.newSingleThreadScheduledExecutor(
        runnable -> Thread.ofPlatform().name("inbox-retention").daemon(true).unstarted(runnable));
    scheduler.scheduleWithFixedDelay(this::sweep, 1, SWEEP_INTERVAL.toMinutes(), TimeUnit.MINUTES);
  }

  @Override
  public synchronized void stop() {
    if (scheduler != null) {
      scheduler.shutdownNow();
      scheduler = null;
    }
  }

  @Override
  public boolean isRunning() {
    return scheduler != null;
  }

  private void sweep() {
    try {
      int purged = inbox.purgeOlderThan(retention);
      if (purged > 0) {
        log.info("forgot {} inbox claims older than {}", purged, retention);
      }
    } catch (RuntimeException e) {
      log.warn("inbox retention sweep failed, retrying in {}: {}", SWEEP_INTERVAL, e.toString());
    }
  }
}
