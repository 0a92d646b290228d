package io.emprops.events.relay;

import io.debezium.connector.base.QueueProvider;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Debezium's in-memory change-event queue, made to sleep while the relay is idle.
 *
 * <p>Debezium 3.6's {@code ChangeEventQueue.poll} gathers changes for one poll interval (5 ms
 * here, for latency) and is called again at once when it returns empty: about 200 turns a second
 * per idle relay, and once less than a millisecond of an interval remains it re-checks the queue
 * in a tight loop (measured with JFR: 12.5 % of a core per idle relay before this class). The
 * poll asks this queue its {@link #size()} under the queue's lock on every turn, so that is where
 * an idle poller sleeps: when the queue is empty and neither a change nor any data from the
 * database ({@link ConnectionActivity}, reported by {@link WakingSocketFactory}) has come lately,
 * the poller waits up to {@link #IDLE_WAIT} — and wakes the moment data arrives on the relay's
 * connection, before the change it carries is even decoded. "Lately" is {@link #QUIET_PERIOD}
 * since the last change, but only {@link #ARRIVAL_GRACE} since the last data: the server's
 * keepalives arrive every second or so on an idle stream and carry no change, while a change's
 * data is decoded and enqueued well within that grace (and once enqueued, keeps the poller awake).
 *
 * <p>While changes flow the poller is awake, and Debezium's poll still re-checks an empty queue
 * in a tight loop for the last millisecond of every interval (with two debug-log calls a turn:
 * measured with JFR at 16 % of the generator's CPU during the bridge benchmark). An awake look at
 * an empty queue therefore waits up to {@link #AWAKE_WAIT} for data, which covers that last
 * millisecond, and the arrival of data ends it as it ends a sleep.
 *
 * <p>Only the poller sleeps: the reader that enqueues (the thread that last called
 * {@link #enqueue}) asks {@code size()} too, under the same lock, and never waits here. A change
 * the reader produces without data arriving (Debezium's own heartbeat, every 10 s; the second
 * change of one read) can wait for the lock up to {@link #IDLE_WAIT}, or {@link #AWAKE_WAIT} while
 * changes flow. Without the socket factory (another runtime) the poller
 * still sleeps, and the first change after a quiet period waits up to that long. Selected by
 * {@code queue.provider.type=}{@value #NAME}.
 */
public final class NonSpinningQueueProvider<T> implements QueueProvider<T> {

  static final String NAME = "emprops-non-spinning";
  static final long QUIET_PERIOD = TimeUnit.MILLISECONDS.toNanos(200);
  static final long ARRIVAL_GRACE = TimeUnit.MILLISECONDS.toNanos(50);
  static final long IDLE_WAIT = TimeUnit.MILLISECONDS.toNanos(250);
  /** The longest an awake poller's look at an empty queue waits: the remainder Debezium would spin on. */
  static final long AWAKE_WAIT = TimeUnit.MILLISECONDS.toNanos(1);

  private final long quietNanos;
  private final long graceNanos;
  private final long idleWaitNanos;
  private final long awakeWaitNanos;
  private final AtomicLong parks = new AtomicLong();
  private final AtomicLong awakeWaits = new AtomicLong();
  private Queue<T> queue = new ArrayDeque<>();
  private volatile long lastEnqueue = System.nanoTime();
  private volatile Thread reader;

  /** For Debezium's service loader. */
  public NonSpinningQueueProvider() {
    this(QUIET_PERIOD, ARRIVAL_GRACE, IDLE_WAIT, AWAKE_WAIT);
  }

  NonSpinningQueueProvider(long quietNanos, long graceNanos, long idleWaitNanos) {
    this(quietNanos, graceNanos, idleWaitNanos, AWAKE_WAIT);
  }

  NonSpinningQueueProvider(long quietNanos, long graceNanos, long idleWaitNanos, long awakeWaitNanos) {
    this.quietNanos = quietNanos;
    this.graceNanos = graceNanos;
    this.idleWaitNanos = idleWaitNanos;
    this.awakeWaitNanos = awakeWaitNanos;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public void configure(Map<String, ?> properties) {
    Object maxQueueSize = properties.get("max.queue.size");
    if (maxQueueSize != null) {
      queue = new ArrayDeque<>(Integer.parseInt(String.valueOf(maxQueueSize)));
    }
  }

  // Debezium calls enqueue, poll and size under its queue lock: no further synchronisation.
  @Override
  public void enqueue(T event) {
    queue.add(event);
    lastEnqueue = System.nanoTime();
    reader = Thread.currentThread();
  }

  @Override
  public T poll() {
    return queue.poll();
  }

  @Override
  public int size() {
    int size = queue.size();
    if (size == 0 && reader != null && Thread.currentThread() != reader) {
      long now = System.nanoTime();
      if (now - lastEnqueue > quietNanos && now - ConnectionActivity.lastArrival() > graceNanos) {
        ConnectionActivity.awaitArrivalAfter(now, idleWaitNanos);
        parks.incrementAndGet();
      } else if (awakeWaitNanos > 0) {
        ConnectionActivity.awaitArrivalAfter(now, awakeWaitNanos);
        awakeWaits.incrementAndGet();
      }
    }
    return size;
  }

  /** How often an idle poller slept (for tests and diagnostics). */
  long parks() {
    return parks.get();
  }

  /** How often an awake poller waited at an empty queue instead of turning (for tests and diagnostics). */
  long awakeWaits() {
    return awakeWaits.get();
  }
}
