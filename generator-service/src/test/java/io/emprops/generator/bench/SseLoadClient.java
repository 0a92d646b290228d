package io.emprops.generator.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The benchmark's SSE clients: plain sockets read by one selector thread per core, handing each
 * {@code data:} line to a callback as bytes, with the time it was read from the socket (a
 * client allocates nothing per event: the load generator's own collections would otherwise
 * show in the latencies it measures). Java's HttpClient costs the load generator more CPU per event
 * than the generator spends sending it (measured: 1.2 of the 2 cores at 1,000 streams), and on a
 * machine shared by both that is what the latency figure would measure.
 */
final class SseLoadClient implements AutoCloseable {

  /** A {@code data:} line (without its line end), valid during the call only. */
  interface DataLine {
    void accept(byte[] line, int length, long receivedNanos);
  }

  private final InetSocketAddress server;
  private final Reader[] readers;
  private final AtomicInteger next = new AtomicInteger();

  SseLoadClient(URI baseUrl, int threads) {
    this.server = new InetSocketAddress(baseUrl.getHost(), baseUrl.getPort());
    this.readers = new Reader[threads];
    for (int i = 0; i < threads; i++) {
      readers[i] = new Reader(i);
    }
  }

  /**
   * Opens a stream for {@code request} (a GET; its headers are sent as they are);
   * {@code connected} runs at the response's first bytes, {@code onData} for each {@code data:}
   * line, both on a reader thread.
   */
  void open(HttpRequest request, Runnable connected, DataLine onData) {
    StringBuilder head = new StringBuilder(512)
        .append("GET ").append(request.uri().getRawPath());
    if (request.uri().getRawQuery() != null) {
      head.append('?').append(request.uri().getRawQuery());
    }
    head.append(" HTTP/1.1\r\nHost: ").append(server.getHostString()).append(':').append(server.getPort())
        .append("\r\n");
    request.headers().map().forEach((name, values) -> values.forEach(
        value -> head.append(name).append(": ").append(value).append("\r\n")));
    head.append("\r\n");
    try {
      SocketChannel channel = SocketChannel.open(server);
      channel.write(ByteBuffer.wrap(head.toString().getBytes(StandardCharsets.ISO_8859_1)));
      channel.configureBlocking(false);
      readers[Math.floorMod(next.getAndIncrement(), readers.length)].add(new Stream(channel, connected, onData));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    for (Reader reader : readers) {
      reader.close();
    }
  }

  /** One stream's bytes, cut into lines; {@code data:} lines go to the callback. */
  private static final class Stream {

    private static final byte[] DATA = "data:".getBytes(StandardCharsets.US_ASCII);

    final SocketChannel channel;
    private final Runnable connected;
    private final DataLine onData;
    private byte[] line = new byte[512];
    private int length;
    private boolean started;

    Stream(SocketChannel channel, Runnable connected, DataLine onData) {
      this.channel = channel;
      this.connected = connected;
      this.onData = onData;
    }

    void feed(ByteBuffer bytes, long receivedNanos) {
      if (!started) {
        started = true;
        connected.run();
      }
      while (bytes.hasRemaining()) {
        byte b = bytes.get();
        if (b == '\n') {
          if (startsWithData()) {
            onData.accept(line, length, receivedNanos);
          }
          length = 0;
        } else if (b != '\r') {
          if (length == line.length) {
            line = Arrays.copyOf(line, length * 2);
          }
          line[length++] = b;
        }
      }
    }

    private boolean startsWithData() {
      if (length < DATA.length) {
        return false;
      }
      for (int i = 0; i < DATA.length; i++) {
        if (line[i] != DATA[i]) {
          return false;
        }
      }
      return true;
    }
  }

  private static final class Reader {

    private final Selector selector;
    private final Queue<Stream> added = new ConcurrentLinkedQueue<>();
    private final List<Stream> all = new ArrayList<>();
    private final ByteBuffer buffer = ByteBuffer.allocateDirect(64 * 1024);
    private final Thread thread;
    private volatile boolean running = true;

    Reader(int index) {
      try {
        selector = Selector.open();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      thread = Thread.ofPlatform().name("sse-load-" + index).daemon(true).start(this::run);
    }

    void add(Stream stream) {
      added.add(stream);
      selector.wakeup();
    }

    private void run() {
      try {
        while (running) {
          selector.select();
          for (Stream stream = added.poll(); stream != null; stream = added.poll()) {
            stream.channel.register(selector, SelectionKey.OP_READ, stream);
            all.add(stream);
          }
          for (SelectionKey key : selector.selectedKeys()) {
            read(key);
          }
          selector.selectedKeys().clear();
        }
      } catch (IOException e) {
        if (running) {
          throw new UncheckedIOException(e);
        }
      } finally {
        for (Stream stream : all) {
          try {
            stream.channel.close();
          } catch (IOException ignored) {
            // closing anyway
          }
        }
      }
    }

    private void read(SelectionKey key) {
      Stream stream = (Stream) key.attachment();
      try {
        buffer.clear();
        int read = stream.channel.read(buffer);
        long receivedNanos = System.nanoTime();
        if (read < 0) {
          key.cancel();
          stream.channel.close();
          return;
        }
        buffer.flip();
        stream.feed(buffer, receivedNanos);
      } catch (IOException e) {
        key.cancel();
      }
    }

    void close() {
      running = false;
      selector.wakeup();
      try {
        thread.join(5_000);
        selector.close();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (IOException ignored) {
        // closing anyway
      }
    }
  }
}
