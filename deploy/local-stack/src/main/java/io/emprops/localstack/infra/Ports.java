package io.emprops.localstack.infra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.time.Instant;

/** Loopback port helpers: every server of the stack binds 127.0.0.1 only. */
public final class Ports {

  public static final String LOOPBACK = "127.0.0.1";

  private Ports() {}

  public static boolean isFree(int port) {
    try (ServerSocket socket = new ServerSocket()) {
      // As servers bind: a socket in TIME_WAIT from a previous run must not count as busy.
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress(InetAddress.getByName(LOOPBACK), port));
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** A port nobody listens on right now (for tests, which never use fixed ports). */
  public static int free() {
    try (ServerSocket socket = new ServerSocket(0, 0, InetAddress.getByName(LOOPBACK))) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The first port of a block of {@code size} consecutive free ports at or above {@code from}.
   * Used by tests that start a whole stack laid out from a port base. Start below 32768: a port
   * in Linux's ephemeral range, free when probed, can be taken by any outgoing connection before
   * the server binds it (a benchmark's gateway on 33000 failed so, twice in a row).
   */
  public static int freeBlock(int from, int size) {
    for (int base = from; base < 60_000; base += size) {
      boolean allFree = true;
      for (int p = base; p < base + size && allFree; p++) {
        allFree = isFree(p);
      }
      if (allFree) {
        return base;
      }
    }
    throw new IllegalStateException("no block of " + size + " free ports above " + from);
  }

  public static void awaitListening(String what, int port, Duration timeout) {
    Instant deadline = Instant.now().plus(timeout);
    while (Instant.now().isBefore(deadline)) {
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress(LOOPBACK, port), 500);
        return;
      } catch (IOException e) {
        sleep(Duration.ofMillis(50));
      }
    }
    throw new IllegalStateException(what + " did not listen on port " + port + " within " + timeout);
  }

  static void sleep(Duration duration) {
    try {
      Thread.sleep(duration);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
