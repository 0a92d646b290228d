package io.emprops.events.relay;

/**
 * When data last arrived on a relay's Postgres connection, for the relay's change-event queue to
 * sleep on while nothing happens and wake the moment something does ({@link NonSpinningQueueProvider},
 * {@link WakingSocketFactory}). One per JVM: a service runs one relay; where several run (tests),
 * an arrival on any of them only wakes the others early, which costs a turn of their loop.
 */
final class ConnectionActivity {

  private static final Object MONITOR = new Object();
  /** Long ago until the first arrival (nanoTime values are compared by difference only). */
  private static volatile long lastArrival = System.nanoTime() - (1L << 62);
  private static volatile int waiting;

  private ConnectionActivity() {}

  /** Data arrived (any read that returned bytes). */
  static void arrived() {
    lastArrival = System.nanoTime();
    if (waiting > 0) {
      synchronized (MONITOR) {
        MONITOR.notifyAll();
      }
    }
  }

  /** Threads waiting for an arrival now (for tests). */
  static int waiting() {
    return waiting;
  }

  static long lastArrival() {
    return lastArrival;
  }

  /**
   * Returns when data arrives after {@code since} (a {@link System#nanoTime()} reading), at once if
   * it already has, or after {@code maxNanos}. An interrupt ends the wait and stays set.
   */
  static void awaitArrivalAfter(long since, long maxNanos) {
    long deadline = System.nanoTime() + maxNanos;
    synchronized (MONITOR) {
      waiting++;
      try {
        // waiting is raised before lastArrival is read: an arrival either is seen here or notifies.
        long remaining;
        while (lastArrival - since <= 0 && (remaining = deadline - System.nanoTime()) > 0) {
          MONITOR.wait(Math.max(1, remaining / 1_000_000));
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        waiting--;
      }
    }
  }
}
