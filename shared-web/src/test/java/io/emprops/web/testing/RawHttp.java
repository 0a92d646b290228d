package io.emprops.web.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * HTTP/1.1 written by hand on a socket, for what ordinary clients refuse to send: repeated
 * headers, control characters, malformed request lines, oversized heads — and from a chosen
 * loopback address, so that per-address limits can be observed in isolation.
 */
public final class RawHttp {

  public record Response(int status, Map<String, List<String>> headers, String body) {
    public String header(String name) {
      List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
      return values == null ? null : values.getFirst();
    }
  }

  private final int port;
  private final InetAddress from;

  public RawHttp(int port, InetAddress from) {
    this.port = port;
    this.from = from;
  }

  /** A client at 127.0.0.1. */
  public RawHttp(int port) {
    this(port, loopback(1));
  }

  /** An address of its own in 127.0.0.0/8 (never 127.0.0.1), for per-address limits. */
  public static InetAddress freshLoopbackAddress() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    return loopback(2 + random.nextInt(250), random.nextInt(256), random.nextInt(1, 255));
  }

  private static InetAddress loopback(int... lastThree) {
    byte[] address = {127, 0, 0, 1};
    for (int i = 0; i < lastThree.length; i++) {
      address[4 - lastThree.length + i] = (byte) lastThree[i];
    }
    try {
      return InetAddress.getByAddress(address);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Sends {@code head} (request line and headers, CRLF-separated, without the blank line) and a body. */
  public Response send(String head, byte[] body) {
    try (Socket socket = new Socket()) {
      socket.bind(new InetSocketAddress(from, 0));
      socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5_000);
      socket.setSoTimeout(15_000);
      ByteArrayOutputStream request = new ByteArrayOutputStream();
      request.writeBytes(head.getBytes(StandardCharsets.ISO_8859_1));
      request.writeBytes("\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
      request.writeBytes(body);
      socket.getOutputStream().write(request.toByteArray());
      socket.getOutputStream().flush();
      return parse(socket.getInputStream().readAllBytes());
    } catch (IOException e) {
      throw new IllegalStateException("raw request failed: " + e, e);
    }
  }

  public Response get(String target, String... headerLines) {
    StringBuilder head = new StringBuilder("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1:" + port);
    for (String line : headerLines) {
      head.append("\r\n").append(line);
    }
    return send(head.toString(), new byte[0]);
  }

  static Response parse(byte[] raw) {
    String text = new String(raw, StandardCharsets.ISO_8859_1);
    int end = text.indexOf("\r\n\r\n");
    if (end < 0) {
      throw new IllegalStateException("no complete response head in: " + text);
    }
    String[] lines = text.substring(0, end).split("\r\n");
    int status = Integer.parseInt(lines[0].split(" ")[1]);
    Map<String, List<String>> headers = new LinkedHashMap<>();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      headers.computeIfAbsent(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
          k -> new java.util.ArrayList<>()).add(lines[i].substring(colon + 1).trim());
    }
    String body = text.substring(end + 4); // still ISO-8859-1: one char per byte
    if ("chunked".equalsIgnoreCase(headers.getOrDefault("transfer-encoding", List.of("")).getFirst())) {
      body = dechunk(body);
    }
    return new Response(status, headers,
        new String(body.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8));
  }

  private static String dechunk(String chunked) {
    StringBuilder out = new StringBuilder();
    int at = 0;
    while (at < chunked.length()) {
      int lineEnd = chunked.indexOf("\r\n", at);
      int size = Integer.parseInt(chunked.substring(at, lineEnd).split(";")[0].trim(), 16);
      if (size == 0) {
        break;
      }
      out.append(chunked, lineEnd + 2, lineEnd + 2 + size);
      at = lineEnd + 2 + size + 2;
    }
    return out.toString();
  }
}
