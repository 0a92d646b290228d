package io.emprops.events.relay;

import io.debezium.connector.base.QueueProvider;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Debezium's in-memory change-event queue without its idle spin.
 *
 * <p>Debezium 3.6's {@code ChangeEventQueue.poll} waits on a condition for the remaining poll
 * interval in whole milliseconds; once less than a millisecond remains it rounds the wait to zero
 * and re-checks the queue in a tight loop until the timer expires. With the relay's 5 ms poll
 * interval that loop is a fifth of every idle cycle: measured with JFR, 12.5 % of a core per idle
 * relay, most of an idle suite's CPU. The loop asks this queue its {@link #size()} on every turn,
 * so an empty queue that has been quiet for a while parks the asking thread for about that last
 * millisecond instead of answering at once.
 *
 * <p>Latency is untouched while events flow: the park only happens after {@link #QUIET_PERIOD} without
 * an enqueue, so only the first event after a quiet period can wait, by at most {@link #PARK}
 * (the queue's lock is held by the poller meanwhile). Selected by {@code queue.provider.type=}{@value #NAME}.
 */
public final class NonSpinningQueueProvider<T> implements QueueProvider<T> {

  static final String NAME = "emprops-non-spinning";
  static final long QUIET_PERIOD = TimeUnit.MILLISECONDS.toNanos(200);
  static final long PARK = TimeUnit.MILLISECONDS.toNanos(1);

  private final long quietNanos;
  private final AtomicLong parks = new AtomicLong();
  private Queue<T> queue = new ArrayDeque<>();
  private volatile long lastEnqueue = System.nanoTime();

  /** For Debezium's service loader. */
  public NonSpinningQueueProvider() {
    this(QUIET_PERIOD);
  }

  NonSpinningQueueProvider(long quietNanos) {
    this.quietNanos = quietNanos;
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
  }

  @Override
  public T poll() {
    return queue.poll();
  }

  @Override
  public int size() {
    int size = queue.size();
    if (size == 0 && System.nanoTime() - lastEnqueue > quietNanos) {
      LockSupport.parkNanos(this, PARK);
      parks.incrementAndGet();
    }
    return size;
  }

  /** How often an idle poller was parked (for tests and diagnostics). */
  long parks() {
    return parks.get();
  }
}
