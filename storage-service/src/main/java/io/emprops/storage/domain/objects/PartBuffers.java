package io.emprops.storage.domain.objects;

import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.Semaphore;

/**
 * The memory every object write of this instance shares: at most {@code count} buffers of one
 * part each, allocated on first use and reused, so that the heap stays flat however large the
 * objects and however many writes run at once (a write waits for a buffer when all are in use).
 */
public final class PartBuffers {

  private final int partSize;
  private final int count;
  private final Semaphore available;
  private final ConcurrentLinkedDeque<byte[]> free = new ConcurrentLinkedDeque<>();

  public PartBuffers(int partSize, int count) {
    if (partSize <= 0 || count < 1) {
      throw new IllegalArgumentException("part size and buffer count must be positive");
    }
    this.partSize = partSize;
    this.count = count;
    this.available = new Semaphore(count, true);
  }

  public int partSize() {
    return partSize;
  }

  /** Buffers that exist at most (their memory: {@code count × partSize}). */
  public int count() {
    return count;
  }

  public int inUse() {
    return count - available.availablePermits();
  }

  /** A buffer, waiting for one to be returned when all are in use. */
  byte[] take() throws InterruptedException {
    available.acquire();
    return bufferFor();
  }

  /** A buffer if one is free now; never waits (a writer holding one must never wait for another). */
  Optional<byte[]> tryTake() {
    return available.tryAcquire() ? Optional.of(bufferFor()) : Optional.empty();
  }

  void give(byte[] buffer) {
    if (buffer != null) {
      free.push(buffer);
      available.release();
    }
  }

  private byte[] bufferFor() {
    byte[] buffer = free.poll();
    return buffer != null ? buffer : new byte[partSize];
  }
}
