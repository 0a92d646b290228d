package io.emprops.storage.domain.objects;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Streams content into an object part by part with bounded memory, for every provider: content
 * that fits into one part is written in one request; larger content becomes a multipart write
 * whose part {@code n} is sent while part {@code n + 1} is read (two buffers), or one part after
 * the other in a single buffer when no second one is free. A failure anywhere aborts the
 * multipart write, so nothing is left under the key.
 */
public final class PartedUploads implements AutoCloseable {

  private final PartBuffers buffers;
  private final ExecutorService senders = Executors.newThreadPerTaskExecutor(
      Thread.ofVirtual().name("object-part-", 0).factory());

  public PartedUploads(PartBuffers buffers) {
    this.buffers = buffers;
  }

  public PartBuffers buffers() {
    return buffers;
  }

  /** @return the number of bytes written */
  public long write(InputStream content, PartedWriter writer) throws IOException {
    byte[] first = take();
    byte[] second = null;
    boolean begun = false;
    Future<?> inFlight = null;
    try {
      int length = fill(content, first);
      if (length < first.length) {
        writer.whole(ByteBuffer.wrap(first, 0, length));
        return length;
      }
      writer.begin();
      begun = true;
      second = buffers.tryTake().orElse(null);
      boolean pipelined = second != null;
      byte[] sending = first;
      byte[] filling = pipelined ? second : first;
      long total = length;
      int number = 1;
      inFlight = send(writer, number, sending, length, pipelined);
      while (true) {
        int read = fill(content, filling);
        await(inFlight);
        inFlight = null;
        if (read == 0) {
          break;
        }
        number++;
        total += read;
        byte[] sent = sending;
        sending = filling;
        filling = pipelined ? sent : first;
        inFlight = send(writer, number, sending, read, pipelined);
        if (read < sending.length) {
          await(inFlight);
          inFlight = null;
          break;
        }
      }
      writer.complete();
      return total;
    } catch (IOException | RuntimeException | Error e) {
      settle(inFlight);
      if (begun) {
        writer.abort();
      }
      throw e;
    } finally {
      buffers.give(first);
      buffers.give(second);
    }
  }

  @Override
  public void close() {
    senders.close();
  }

  private byte[] take() throws InterruptedIOException {
    try {
      return buffers.take();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while waiting for an upload buffer");
    }
  }

  private Future<?> send(PartedWriter writer, int number, byte[] buffer, int length, boolean async) {
    ByteBuffer part = ByteBuffer.wrap(buffer, 0, length);
    if (async) {
      return senders.submit(() -> writer.part(number, part));
    }
    writer.part(number, part);
    return CompletableFuture.completedFuture(null);
  }

  /** Waits for a part to be sent and rethrows its failure. */
  private static void await(Future<?> part) throws InterruptedIOException {
    try {
      part.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while sending a part");
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException runtime) {
        throw runtime;
      }
      if (e.getCause() instanceof Error error) {
        throw error;
      }
      throw new ObjectStoreException("sending a part failed", e.getCause());
    }
  }

  /** After a failure: lets a part in flight finish (its buffer is about to be reused), ignoring its outcome. */
  private static void settle(Future<?> part) {
    if (part == null) {
      return;
    }
    boolean interrupted = false;
    while (true) {
      try {
        part.get();
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      } catch (ExecutionException e) {
        break;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /** Reads until the buffer is full or the content ends. */
  private static int fill(InputStream content, byte[] buffer) throws IOException {
    int length = 0;
    while (length < buffer.length) {
      int read = content.read(buffer, length, buffer.length - length);
      if (read < 0) {
        break;
      }
      length += read;
    }
    return length;
  }
}
