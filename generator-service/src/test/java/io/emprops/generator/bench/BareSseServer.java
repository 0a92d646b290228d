package io.emprops.generator.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The relay phase's baseline: an SSE "server" that is nothing but sockets, writing each frame to
 * every client from one thread per core. What the benchmark's clients measure from it is this
 * machine's floor for fanning a message out to that many local connections.
 */
final class BareSseServer implements AutoCloseable {

  private static final byte[] RESPONSE_HEAD =
      "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n\r\n:ok\n\n".getBytes(StandardCharsets.US_ASCII);

  private final ServerSocketChannel server;
  private final List<SocketChannel> clients = new CopyOnWriteArrayList<>();
  private final ExecutorService writers;
  private final int writerCount;
  private final Thread acceptor;

  BareSseServer(int writerCount) throws IOException {
    this.writerCount = writerCount;
    this.writers = Executors.newFixedThreadPool(writerCount, Thread.ofPlatform().name("bare-sse-", 0).daemon(true).factory());
    this.server = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
    this.acceptor = Thread.ofPlatform().name("bare-sse-accept").daemon(true).start(this::accept);
  }

  URI uri() throws IOException {
    InetSocketAddress address = (InetSocketAddress) server.getLocalAddress();
    return URI.create("http://127.0.0.1:" + address.getPort());
  }

  /** Writes {@code frame} to every client, split between the writer threads; returns when all is written. */
  void send(byte[] frame) throws Exception {
    List<SocketChannel> all = List.copyOf(clients);
    Future<?>[] done = new Future<?>[writerCount];
    for (int w = 0; w < writerCount; w++) {
      int first = w;
      done[w] = writers.submit(() -> {
        for (int i = first; i < all.size(); i += writerCount) {
          ByteBuffer bytes = ByteBuffer.wrap(frame);
          while (bytes.hasRemaining()) {
            all.get(i).write(bytes);
          }
        }
        return null;
      });
    }
    for (Future<?> writing : done) {
      writing.get();
    }
  }

  private void accept() {
    ByteBuffer request = ByteBuffer.allocate(8192);
    try {
      while (true) {
        SocketChannel client = server.accept();
        client.setOption(StandardSocketOptions.TCP_NODELAY, true);
        request.clear();
        client.read(request); // the GET and its headers, unread: any request gets the stream
        client.write(ByteBuffer.wrap(RESPONSE_HEAD));
        clients.add(client);
      }
    } catch (IOException e) {
      if (server.isOpen()) {
        throw new UncheckedIOException(e);
      }
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
    writers.shutdownNow();
    for (SocketChannel client : clients) {
      client.close();
    }
  }
}
