package io.emprops.generator.progress;

import java.io.IOException;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client following one job, whatever the transport (SSE, a WebSocket subscription): the
 * job's events after the client's last one, each exactly once and in order, until the job's
 * terminal event.
 *
 * <p>The stream subscribes to the relay before it reads the history, so an event committed
 * meanwhile is either in the history or buffered (or both: events are deduplicated by seq).
 * Events are handed to the {@link Sink} by one drain at a time on the executor, never on the
 * Redis thread that relays them; an idle stream holds no thread.
 */
public final class JobStream implements AutoCloseable {

  /** Where a stream's events go. */
  public interface Sink {

    /** Delivers an event; throws when the client cannot be written to. Never called concurrently. */
    void send(JobEvent event) throws IOException;

    /**
     * The stream is over: its job's last event was sent ({@code failure} null), or it could not
     * go on (the client is gone, the history cannot be read, the instance is shutting down; the
     * last may come while a send is in progress). Called once, and not when the stream is
     * {@linkplain JobStream#close() closed} by its transport.
     */
    void end(Throwable failure);
  }

  private static final Logger log = LoggerFactory.getLogger(JobStream.class);

  private final UUID jobId;
  private final boolean follow;
  private final Sink sink;
  private final JobEventLog history;
  private final Executor executor;
  private final Consumer<JobStream> onRelease;
  /** Live events waiting for the drain (relayed after the subscription, possibly also replayed). */
  private final Queue<JobEvent> live = new ConcurrentLinkedQueue<>();
  /** Drains requested and not yet done: the one that raises it from 0 starts a drain. */
  private final AtomicInteger drainsDue = new AtomicInteger();
  private final AtomicBoolean released = new AtomicBoolean();
  private volatile AutoCloseable subscription;
  // Touched by the drain only; successive drains are ordered by drainsDue.
  private long lastSent;
  private boolean replayed;

  JobStream(UUID jobId, long afterSeq, boolean follow, Sink sink, JobEventLog history, Executor executor,
      Consumer<JobStream> onRelease) {
    this.jobId = jobId;
    this.lastSent = afterSeq;
    this.follow = follow;
    this.sink = sink;
    this.history = history;
    this.executor = executor;
    this.onRelease = onRelease;
  }

  /** Subscribes (when following a job that has not ended) and then replays, asynchronously. */
  void start(JobEventRelay relay) {
    if (follow) {
      subscription = relay.subscribe(jobId, this::relayed);
      if (released.get()) {
        unsubscribe();
      }
    }
    drainSoon();
  }

  /** Stops following the job, without telling the sink (its transport is the one closing). */
  @Override
  public void close() {
    release();
  }

  /** Ends the stream and tells the sink. */
  void end(Throwable failure) {
    if (release()) {
      sink.end(failure);
    }
  }

  /** On the Redis I/O thread or the committing one: buffer and hand off, never block. */
  private void relayed(JobEvent event) {
    if (!released.get()) {
      live.add(event);
      drainSoon();
    }
  }

  private void drainSoon() {
    if (drainsDue.getAndIncrement() == 0) {
      executor.execute(this::drain);
    }
  }

  private void drain() {
    int due = 1;
    do {
      if (released.get()) {
        return;
      }
      try {
        if (!deliverDue()) {
          return;
        }
      } catch (IOException e) {
        log.debug("A client of job {} is gone: {}", jobId, e.toString());
        end(e);
        return;
      } catch (RuntimeException e) {
        log.warn("Streaming job {} failed", jobId, e);
        end(e);
        return;
      }
      due = drainsDue.addAndGet(-due);
    } while (due != 0);
  }

  /** @return false once the stream has ended */
  private boolean deliverDue() throws IOException {
    if (!replayed) {
      replayed = true;
      for (JobEvent event : history.after(jobId, lastSent)) {
        if (!deliver(event)) {
          return false;
        }
      }
      if (!follow) {
        end(null);
        return false;
      }
    }
    for (JobEvent event = live.poll(); event != null; event = live.poll()) {
      if (event.previousSeq() > lastSent && !catchUp(event.seq())) {
        return false;
      }
      if (!deliver(event)) {
        return false;
      }
    }
    return true;
  }

  /**
   * A live event overtook one committed before it (relayed by another thread or instance): the
   * history, where the missed one already is, fills the gap.
   */
  private boolean catchUp(long beforeSeq) throws IOException {
    for (JobEvent missed : history.after(jobId, lastSent)) {
      if (missed.seq() >= beforeSeq) {
        break;
      }
      if (!deliver(missed)) {
        return false;
      }
    }
    return true;
  }

  /** @return false when {@code event} ended the stream */
  private boolean deliver(JobEvent event) throws IOException {
    if (event.seq() <= lastSent) {
      return true;
    }
    sink.send(event);
    lastSent = event.seq();
    if (event.isTerminal()) {
      end(null);
      return false;
    }
    return true;
  }

  /** @return whether this call released the stream */
  private boolean release() {
    if (!released.compareAndSet(false, true)) {
      return false;
    }
    unsubscribe();
    live.clear();
    onRelease.accept(this);
    return true;
  }

  private void unsubscribe() {
    AutoCloseable current = subscription;
    if (current != null) {
      try {
        current.close();
      } catch (Exception e) {
        log.warn("Unsubscribing from job {} failed", jobId, e);
      }
    }
  }
}
