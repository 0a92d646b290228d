package io.emprops.generator.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.stream.IntStream;

/**
 * Receipts of numbered, timestamped messages ({@code "message":"t:<number>:<sent>"} in a
 * {@code data:} line) by many SSE clients: every receipt's latency, and per message its first
 * and last client's. Recorded without allocating, on the clients' reader threads.
 */
final class ReceiptRecorder implements SseLoadClient.DataLine {

  private static final byte[] MARK = "\"message\":\"t:".getBytes(StandardCharsets.US_ASCII);

  private final int messages;
  private final long[] latenciesMicros;
  private final AtomicInteger received = new AtomicInteger();
  private final AtomicLongArray fastestMicros;
  private final AtomicLongArray slowestMicros;
  private volatile boolean measuring;

  ReceiptRecorder(int clients, int messages) {
    this.messages = messages;
    this.latenciesMicros = new long[clients * messages];
    this.fastestMicros = new AtomicLongArray(messages + 1);
    this.slowestMicros = new AtomicLongArray(messages + 1);
  }

  /** The message text of measured message {@code number}, sent now. */
  static String text(int number) {
    return "t:" + number + ":" + System.nanoTime() / 1_000;
  }

  void start() {
    received.set(0);
    measuring = true;
  }

  void stop() {
    measuring = false;
  }

  boolean measuring() {
    return measuring;
  }

  /** Waits until {@code expected} receipts are in, or {@code within} has passed. */
  void awaitAll(long expected, Duration within) throws InterruptedException {
    Instant deadline = Instant.now().plus(within);
    while (received.get() < expected && Instant.now().isBefore(deadline)) {
      Thread.sleep(20);
    }
  }

  @Override
  public void accept(byte[] line, int length, long receivedNanos) {
    int at = indexOf(line, length);
    if (at < 0 || !measuring) {
      return;
    }
    int cursor = at + MARK.length;
    int message = 0;
    for (; line[cursor] != ':'; cursor++) {
      message = message * 10 + (line[cursor] - '0');
    }
    long sentMicros = 0;
    for (cursor++; line[cursor] >= '0' && line[cursor] <= '9'; cursor++) {
      sentMicros = sentMicros * 10 + (line[cursor] - '0');
    }
    long latency = receivedNanos / 1_000 - sentMicros;
    int index = received.getAndIncrement();
    if (index < latenciesMicros.length) {
      latenciesMicros[index] = latency;
    }
    slowestMicros.accumulateAndGet(message, latency, Math::max);
    fastestMicros.accumulateAndGet(message, latency, (now, next) -> now == 0 ? next : Math.min(now, next));
  }

  /** Every receipt: p50, p99, max. */
  String summary(long expected) {
    long[] sorted = Arrays.copyOf(latenciesMicros, Math.min(received.get(), latenciesMicros.length));
    Arrays.sort(sorted);
    return String.format("p50 %.1f ms, p99 %.1f ms, max %.1f ms (%d of %d received)", percentile(sorted, 50) / 1e3,
        percentile(sorted, 99) / 1e3, sorted.length == 0 ? 0 : sorted[sorted.length - 1] / 1e3, received.get(), expected);
  }

  /** The last client of each message. */
  String lastClientSummary() {
    long[] slowest = IntStream.rangeClosed(1, messages).mapToLong(slowestMicros::get).filter(micros -> micros > 0)
        .sorted().toArray();
    return String.format("p50 %.1f ms, p90 %.1f ms, messages whose last client waited > 20 ms: %d of %d",
        percentile(slowest, 50) / 1e3, percentile(slowest, 90) / 1e3,
        Arrays.stream(slowest).filter(micros -> micros > 20_000).count(), slowest.length);
  }

  /** Per message, for a closer look than the summaries. */
  void writeCsv(Path file) throws IOException {
    StringBuilder csv = new StringBuilder("message,first_client_micros,last_client_micros\n");
    for (int m = 1; m <= messages; m++) {
      csv.append(m).append(',').append(fastestMicros.get(m)).append(',').append(slowestMicros.get(m)).append('\n');
    }
    Files.writeString(file, csv);
  }

  private static int indexOf(byte[] line, int length) {
    outer:
    for (int i = 0; i + MARK.length <= length; i++) {
      for (int j = 0; j < MARK.length; j++) {
        if (line[i + j] != MARK[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  static double percentile(long[] sorted, double p) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    int rank = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.clamp(rank, 0, sorted.length - 1)];
  }
}
