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
  private static final Duration FIRST_SWEEP_AFTER = Duration.ofMinutes(1);

  private final Inbox inbox;
  private final Duration retention;
  private final Duration sweepInterval;
  private ScheduledExecutorService scheduler;

  public InboxRetention(Inbox inbox, Duration retention) {
    this(inbox, retention, SWEEP_INTERVAL);
  }

  /**
   * @param sweepInterval how often to sweep (tests shorten it); the first sweep comes a minute after
   *     start, or one interval if that is shorter, so that instances restarted often still sweep
   */
  InboxRetention(Inbox inbox, Duration retention, Duration sweepInterval) {
    this.inbox = inbox;
    this.retention = retention;
    this.sweepInterval = sweepInterval;
  }

  @Override
  public synchronized void start() {
    scheduler = Executors.newSingleThreadScheduledExecutor(
        runnable -> Thread.ofPlatform().name("inbox-retention").daemon(true).unstarted(runnable));
    long first = Math.min(FIRST_SWEEP_AFTER.toMillis(), sweepInterval.toMillis());
    scheduler.scheduleWithFixedDelay(this::sweep, first, sweepInterval.toMillis(), TimeUnit.MILLISECONDS);
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
      log.warn("inbox retention sweep failed, retrying in {}: {}", sweepInterval, e.toString());
    }
  }
}
