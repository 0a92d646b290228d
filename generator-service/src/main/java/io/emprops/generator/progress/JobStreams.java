package io.emprops.generator.progress;

import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.web.server.context.WebServerGracefulShutdownLifecycle;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Opens {@link JobStream}s and owns what they share, so that an idle stream costs a few objects
 * and no thread: sends run on virtual threads (they block on slow clients), and one scheduler
 * thread times every keep-alive.
 *
 * <p>Streams are ended before the web server's graceful shutdown, which would otherwise wait for
 * every open SSE response until its timeout; their clients reconnect, with their last event id,
 * to another instance.
 */
@Component
public class JobStreams implements SmartLifecycle, DisposableBean {

  private final JobEventLog history;
  private final JobEventRelay relay;
  private final long heartbeatMillis;
  // Without the committing thread's inheritable thread locals, which every send would copy.
  private final ExecutorService senders = Executors.newThreadPerTaskExecutor(
      Thread.ofVirtual().inheritInheritableThreadLocals(false).factory());
  private final ScheduledExecutorService ticks = Executors.newSingleThreadScheduledExecutor(
      Thread.ofPlatform().name("job-stream-heartbeat").daemon(true).factory());
  private final Set<JobStream> open = ConcurrentHashMap.newKeySet();
  private volatile boolean running;

  public JobStreams(JobEventLog history, JobEventRelay relay, JobStreamProperties properties) {
    this.history = history;
    this.relay = relay;
    this.heartbeatMillis = properties.heartbeat().toMillis();
  }

  /**
   * Whether the job has ended ({@code active} false) and has no event after {@code lastSeen}:
   * there is nothing to stream.
   */
  public boolean seenToTheEnd(UUID jobId, boolean active, long lastSeen) {
    return !active && history.after(jobId, lastSeen).isEmpty();
  }

  /**
   * Streams the job's events after {@code afterSeq} to {@code sink}: those recorded, then (unless
   * the job has already ended, {@code active} false) the live ones, until its terminal event.
   */
  public JobStream open(UUID jobId, boolean active, long afterSeq, JobStream.Sink sink) {
    JobStream stream = new JobStream(jobId, afterSeq, active, sink, history, senders, open::remove);
    open.add(stream);
    stream.start(relay);
    return stream;
  }

  /** Runs {@code ping} on a virtual thread every heartbeat until the returned future is cancelled. */
  public ScheduledFuture<?> keepAlive(Runnable ping) {
    return ticks.scheduleAtFixedRate(() -> senders.execute(ping), heartbeatMillis, heartbeatMillis,
        TimeUnit.MILLISECONDS);
  }

  @Override
  public void start() {
    running = true;
  }

  @Override
  public void stop() {
    running = false;
    IllegalStateException shuttingDown = new IllegalStateException("This instance is shutting down");
    open.forEach(stream -> stream.end(shuttingDown));
  }

  @Override
  public boolean isRunning() {
    return running;
  }

  /** Before the web server's graceful shutdown (a higher phase stops first). */
  @Override
  public int getPhase() {
    return WebServerGracefulShutdownLifecycle.SMART_LIFECYCLE_PHASE + 1;
  }

  @Override
  public void destroy() {
    ticks.shutdownNow();
    senders.shutdownNow();
  }
}
