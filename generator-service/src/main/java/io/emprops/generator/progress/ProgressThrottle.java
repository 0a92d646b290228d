package io.emprops.generator.progress;

import io.emprops.generator.config.ExecutionProperties;
import io.emprops.generator.persistence.AfterCommit;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.node.ObjectNode;

/**
 * A job's progress events spaced across instances so that every report a worker makes is on the
 * stream within {@code progress-interval}, without losing the last report of a burst (the
 * trailing edge): a report the throttle holds back stays on
 * its step, and a timer on this instance delivers the step's latest report as soon as the job's
 * throttle allows. Every instance that saw the report sets such a timer; the first to run sends
 * it, the others find it sent. State changes and terminal events never come through here.
 */
@Component
public class ProgressThrottle implements DisposableBean {

  private static final Logger log = LoggerFactory.getLogger(ProgressThrottle.class);

  private final JobEventLog events;
  private final TransactionTemplate transaction;
  private final Duration spacing;
  /** Times the trailing edges; the appends run on virtual threads (they do database I/O). */
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
      Thread.ofPlatform().name("progress-trailing-edge").daemon(true).factory());
  private final ExecutorService appenders = Executors.newVirtualThreadPerTaskExecutor();
  /** Jobs with a trailing edge due on this instance (one timer per job is enough). */
  private final Set<UUID> due = ConcurrentHashMap.newKeySet();

  public ProgressThrottle(JobEventLog events, PlatformTransactionManager transactions, ExecutionProperties properties) {
    this.events = events;
    this.transaction = new TransactionTemplate(transactions);
    this.spacing = spacing(properties.progressInterval());
  }

  /**
   * The least time between two progress events of a job: the interval less a fifth. A report held
   * back is on the stream only after the trailing edge's transaction, the relay and the stream's
   * write (up to ≈ 40 ms measured under load at 250 ms); spaced at the full interval, a report made
   * just after an event reached clients later than one interval. The fifth is the room for that,
   * so every report is on the stream within one interval (at 250 ms: events at most 5 a second).
   */
  static Duration spacing(Duration interval) {
    return interval.minus(interval.dividedBy(5));
  }

  /**
   * A worker's report on a running step, stored on the step already: appended now when the job's
   * throttle allows, else delivered by the trailing edge. Runs in the caller's transaction, which
   * holds the job's row lock.
   *
   * @return the event, when appended now
   */
  public Optional<JobEvent> report(UUID jobId, String queueStepId, String message, ObjectNode data) {
    JobEventLog.ProgressAppend appended = events.appendProgress(jobId, queueStepId, spacing, message, data);
    appended.retryIn().ifPresent(wait -> AfterCommit.run(() -> trailingEdgeIn(jobId, wait)));
    return appended.event();
  }

  private void trailingEdgeIn(UUID jobId, Duration wait) {
    if (due.add(jobId)) {
      timer.schedule(() -> appenders.execute(() -> trailingEdge(jobId)), wait.toMillis() + 1, TimeUnit.MILLISECONDS);
    }
  }

  private void trailingEdge(UUID jobId) {
    // Before the append: a report held back while it runs sets the next timer.
    due.remove(jobId);
    try {
      transaction.execute(status -> events.appendPendingProgress(jobId, spacing))
          .ifPresent(wait -> trailingEdgeIn(jobId, wait));
    } catch (RuntimeException e) {
      log.warn("Delivering the held-back progress of job {} failed; its next report or completion carries it", jobId, e);
    }
  }

  @Override
  public void destroy() {
    timer.shutdownNow();
    appenders.shutdownNow();
  }
}
