package io.emprops.events.relay;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import javax.net.SocketFactory;

/**
 * The sockets of the embedded relay's Postgres connections (pgjdbc's {@code socketFactory}), made
 * to sleep while the database has nothing to say and wake when it does.
 *
 * <p>Debezium reads the replication stream without blocking: pgjdbc asks "is a message pending?"
 * by peeking with a 1 ms socket timeout, Debezium asks five times, sleeps one poll interval and
 * starts again — about 550 wake-ups a second per idle relay, 3 % of a core. A peek here waits up
 * to {@link #PEEK_WAIT_MILLIS} instead and returns the moment data arrives, so an idle relay wakes
 * about a dozen times a second and a change is read as soon as it lands, not after a sleep. The
 * only 1 ms timeout pgjdbc sets is that peek; every other timeout passes unchanged. Every read
 * that brings data is reported to {@link ConnectionActivity}, which wakes the relay's queue.
 *
 * <p>While a peek waits it holds the connection's lock, so a status update Debezium sends from
 * another thread (the confirmed position, after an offset flush) can wait that long too: bounded,
 * and only when the stream is idle.
 */
public final class WakingSocketFactory extends SocketFactory {

  /** The timeout pgjdbc sets for its pending-message peek. */
  static final int PGJDBC_PEEK_MILLIS = 1;
  static final int PEEK_WAIT_MILLIS = 100;

  @Override
  public Socket createSocket() {
    return new WakingSocket();
  }

  @Override
  public Socket createSocket(String host, int port) throws IOException {
    return connected(new InetSocketAddress(host, port), null);
  }

  @Override
  public Socket createSocket(String host, int port, InetAddress localAddress, int localPort) throws IOException {
    return connected(new InetSocketAddress(host, port), new InetSocketAddress(localAddress, localPort));
  }

  @Override
  public Socket createSocket(InetAddress address, int port) throws IOException {
    return connected(new InetSocketAddress(address, port), null);
  }

  @Override
  public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
      throws IOException {
    return connected(new InetSocketAddress(address, port), new InetSocketAddress(localAddress, localPort));
  }

  private static Socket connected(InetSocketAddress remote, InetSocketAddress local) throws IOException {
    Socket socket = new WakingSocket();
    if (local != null) {
      socket.bind(local);
    }
    socket.connect(remote);
    return socket;
  }

  /** A plain TCP socket whose 1 ms peek timeout is stretched and whose arrivals are reported. */
  static final class WakingSocket extends Socket {

    private int requestedTimeout;
    private InputStream input;

    @Override
    public synchronized void setSoTimeout(int timeout) throws SocketException {
      requestedTimeout = timeout;
      super.setSoTimeout(timeout == PGJDBC_PEEK_MILLIS ? PEEK_WAIT_MILLIS : timeout);
    }

    /** What the caller set (pgjdbc reads it to restore it after its peek). */
    @Override
    public synchronized int getSoTimeout() {
      return requestedTimeout;
    }

    @Override
    public synchronized InputStream getInputStream() throws IOException {
      if (input == null) {
        input = new ReportingInputStream(super.getInputStream());
      }
      return input;
    }
  }

  private static final class ReportingInputStream extends FilterInputStream {

    ReportingInputStream(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0) {
        ConnectionActivity.arrived();
      }
      return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      int n = super.read(buffer, offset, length);
      if (n > 0) {
        ConnectionActivity.arrived();
      }
      return n;
    }
  }
}
