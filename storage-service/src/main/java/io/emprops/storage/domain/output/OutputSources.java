package io.emprops.storage.domain.output;

import io.emprops.web.outbound.PrivateAddresses;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens an output where the worker left it: a {@code data:} URL is decoded in place; an HTTP(S)
 * URL is fetched under the {@link OutputPolicy}, every check made before a connection is opened,
 * so a refused URL is never contacted. The body is streamed, never held, and cut at the policy's
 * time and size limits.
 *
 * <p>Residual risk, DNS rebinding: the HTTP client resolves the host again when it connects. As in
 * the generator, this relies on the allow-list: only hosts whose DNS the operator trusts get that
 * far.
 */
public final class OutputSources implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(OutputSources.class);

  private final OutputPolicy policy;
  private final HttpClient http;
  /** Closes bodies whose fetch outlives the policy's timeout (a stalled read blocks otherwise). */
  private final ScheduledExecutorService deadlines = Executors.newSingleThreadScheduledExecutor(
      Thread.ofPlatform().name("output-fetch-deadline").daemon().factory());

  public OutputSources(OutputPolicy policy) {
    this.policy = policy;
    this.http = HttpClient.newBuilder()
        .followRedirects(HttpClient.Redirect.NEVER)
        .connectTimeout(policy.timeout())
        .build();
  }

  /**
   * @throws OutputRefused when the URL is not one that may be fetched, or its content is declared larger than allowed
   * @throws IOException when the source cannot be reached now (a retry may succeed)
   */
  public OutputContent open(String url) throws IOException {
    if (url == null || url.isBlank()) {
      throw new OutputRefused("the step has no output URL");
    }
    if (url.regionMatches(true, 0, "data:", 0, 5)) {
      return decodeDataUrl(url);
    }
    return fetch(url);
  }

  @Override
  public void close() {
    deadlines.shutdownNow();
    http.close();
  }

  /** {@code data:[<media type>][;base64],<data>} (RFC 2397). */
  private OutputContent decodeDataUrl(String url) {
    int comma = url.indexOf(',');
    if (comma < 0) {
      throw new OutputRefused("malformed data: URL (no comma)");
    }
    String header = url.substring(5, comma);
    boolean base64 = header.toLowerCase(Locale.ROOT).endsWith(";base64");
    String mediaType = header.split(";", 2)[0].strip();
    int encodedLength = url.length() - comma - 1;
    long approximateSize = base64 ? encodedLength / 4L * 3 : encodedLength / 3L;
    if (approximateSize > policy.maxBytes()) {
      throw new OutputRefused("output is larger than " + policy.maxBytes() + " bytes");
    }
    byte[] content;
    try {
      content = base64
          ? Base64.getDecoder().decode(url.substring(comma + 1).strip())
          : percentDecode(url.substring(comma + 1));
    } catch (IllegalArgumentException e) {
      throw new OutputRefused("malformed data: URL (" + e.getMessage() + ")");
    }
    return new OutputContent(new ByteArrayInputStream(content), mediaType.isEmpty() ? null : mediaType);
  }

  private OutputContent fetch(String url) throws IOException {
    URI uri = checkedUri(url);
    HttpResponse<InputStream> response;
    long deadline = System.nanoTime() + policy.timeout().toNanos();
    try {
      response = http.send(HttpRequest.newBuilder(uri).timeout(policy.timeout()).GET().build(),
          HttpResponse.BodyHandlers.ofInputStream());
    } catch (HttpTimeoutException e) {
      throw new IOException("fetching the output from " + uri.getHost() + " timed out after " + policy.timeout(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while fetching the output from " + uri.getHost(), e);
    }
    int status = response.statusCode();
    if (status / 100 != 2) {
      response.body().close();
      String message = uri.getHost() + " answered HTTP " + status + " for the output";
      if (status / 100 == 5 || status == 408 || status == 429) {
        throw new IOException(message);
      }
      throw new OutputRefused(status / 100 == 3 ? message + " (redirects are not followed)" : message);
    }
    long declared = response.headers().firstValueAsLong("Content-Length").orElse(-1);
    if (declared > policy.maxBytes()) {
      response.body().close();
      throw new OutputRefused("output is larger than " + policy.maxBytes() + " bytes (Content-Length " + declared + ")");
    }
    String type = response.headers().firstValue("Content-Type").map(t -> t.split(";", 2)[0].strip()).orElse(null);
    return new OutputContent(new DeadlineBody(response.body(), deadline, uri.getHost()), type);
  }

  /** Every check on an HTTP(S) output URL, before anything is sent. */
  private URI checkedUri(String url) throws IOException {
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      throw new OutputRefused("output URL is not a valid URL (" + e.getReason() + ")");
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw new OutputRefused("output URL must be a data:, http or https URL");
    }
    if (uri.getRawUserInfo() != null || uri.getHost() == null) {
      throw new OutputRefused("output URL must have a host and no user info");
    }
    int port = uri.getPort() != -1 ? uri.getPort() : scheme.equals("https") ? 443 : 80;
    if (!policy.allowedHosts().allows(uri.getHost(), port)) {
      throw new OutputRefused("host " + uri.getRawAuthority()
          + " is not on the output allow-list (emprops.storage.outputs.allowed-hosts)");
    }
    if (!policy.allowPrivateAddresses()) {
      Optional<InetAddress> nonPublic;
      try {
        nonPublic = PrivateAddresses.firstNonPublic(uri.getHost());
      } catch (UnknownHostException e) {
        throw new IOException("could not resolve host " + uri.getHost(), e);
      }
      if (nonPublic.isPresent()) {
        log.warn("Refused to fetch an output: {} resolves to the non-public address {}", uri.getHost(),
            nonPublic.get().getHostAddress());
        throw new OutputRefused("host " + uri.getHost() + " resolves to a private or reserved address"
            + " (emprops.storage.outputs.allow-private-addresses is off)");
      }
    }
    return uri;
  }

  private static byte[] percentDecode(String text) {
    byte[] raw = text.getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length);
    for (int i = 0; i < raw.length; i++) {
      if (raw[i] == '%') {
        if (i + 2 >= raw.length) {
          throw new IllegalArgumentException("truncated percent escape");
        }
        out.write(Integer.parseInt(new String(raw, i + 1, 2, StandardCharsets.US_ASCII), 16));
        i += 2;
      } else {
        out.write(raw[i]);
      }
    }
    return out.toByteArray();
  }

  /** A response body that fails once the fetch's deadline passes, even in the middle of a stalled read. */
  private final class DeadlineBody extends FilterInputStream {

    private final long deadline;
    private final String host;
    private final ScheduledFuture<?> canceller;
    private volatile boolean expired;

    DeadlineBody(InputStream body, long deadline, String host) {
      super(body);
      this.deadline = deadline;
      this.host = host;
      this.canceller = deadlines.schedule(this::expire, Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    }

    private void expire() {
      expired = true;
      try {
        in.close();
      } catch (IOException ignored) {
        // closing is the point; a failure to close changes nothing
      }
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      check();
      try {
        return in.read(buffer, offset, length);
      } catch (IOException e) {
        check();
        throw e;
      }
    }

    private void check() throws IOException {
      if (expired || System.nanoTime() - deadline > 0) {
        throw new IOException("fetching the output from " + host + " took longer than " + policy.timeout());
      }
    }

    @Override
    public void close() throws IOException {
      canceller.cancel(false);
      super.close();
    }
  }
}
