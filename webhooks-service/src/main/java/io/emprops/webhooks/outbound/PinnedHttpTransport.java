package io.emprops.webhooks.outbound;

import io.emprops.webhooks.domain.delivery.AttemptResult;
import io.emprops.webhooks.domain.delivery.WebhookTransport;
import io.emprops.webhooks.domain.endpoint.HostResolver;
import io.emprops.webhooks.domain.endpoint.OutboundPolicy;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;

/**
 * Webhook attempts over HTTP(S), under the SSRF rules of {@link OutboundPolicy}. Before every
 * attempt the endpoint's host is resolved again and every address checked; the connection then goes
 * to the checked address itself (the target carries it, so the client does no lookup of its own: its
 * resolver refuses), while TLS still presents and verifies the host name. A refused attempt opens no
 * connection. Redirects are not followed, cookies and compression are off, an attempt is bounded in
 * time (connection, response and body together) and only the first {@code maxResponseBytes} of an
 * answer are read.
 */
public final class PinnedHttpTransport implements WebhookTransport, AutoCloseable {

  private static final int LOGGED_BODY = 1024;

  private final OutboundPolicy policy;
  private final HostResolver resolver;
  private final Duration timeout;
  private final long maxResponseBytes;
  private final PoolingHttpClientConnectionManager connections;
  private final CloseableHttpClient http;
  private final ScheduledExecutorService deadlines = Executors.newSingleThreadScheduledExecutor(
      Thread.ofPlatform().name("webhook-attempt-deadline").daemon().factory());

  public PinnedHttpTransport(OutboundPolicy policy, HostResolver resolver, Duration timeout, Duration connectTimeout,
      long maxResponseBytes, int maxConnections, int maxConnectionsPerEndpoint) {
    this.policy = policy;
    this.resolver = resolver;
    this.timeout = timeout;
    this.maxResponseBytes = maxResponseBytes;
    this.connections = PoolingHttpClientConnectionManagerBuilder.create()
        .setDnsResolver(new RefusingDnsResolver())
        .setDefaultConnectionConfig(ConnectionConfig.custom()
            .setConnectTimeout(Timeout.of(connectTimeout))
            .setSocketTimeout(Timeout.of(timeout))
            .setTimeToLive(TimeValue.ofMinutes(5))
            .build())
        .setMaxConnTotal(maxConnections)
        .setMaxConnPerRoute(maxConnectionsPerEndpoint)
        .build();
    this.http = HttpClients.custom()
        .setConnectionManager(connections)
        .disableRedirectHandling()
        .disableAutomaticRetries()
        .disableCookieManagement()
        .disableContentCompression()
        .disableAuthCaching()
        .evictIdleConnections(TimeValue.ofSeconds(30))
        .setDefaultRequestConfig(RequestConfig.custom()
            .setResponseTimeout(Timeout.of(timeout))
            .setConnectionRequestTimeout(Timeout.of(timeout))
            .build())
        .build();
  }

  @Override
  public AttemptResult post(URI url, Map<String, String> headers, byte[] body) {
    InetAddress address;
    try {
      address = checkedAddress(url.getHost());
    } catch (UnknownHostException e) {
      return AttemptResult.unreachable(0, "could not resolve host " + url.getHost());
    } catch (RefusedAddressException e) {
      return AttemptResult.refused(e.getMessage());
    }
    HttpHost target = new HttpHost(url.getScheme().toLowerCase(java.util.Locale.ROOT), address, url.getHost(),
        OutboundPolicy.port(url));
    HttpPost request = new HttpPost(url);
    headers.forEach(request::setHeader);
    request.setEntity(new ByteArrayEntity(body, ContentType.APPLICATION_JSON));
    AtomicBoolean expired = new AtomicBoolean();
    ScheduledFuture<?> deadline = deadlines.schedule(() -> {
      expired.set(true);
      request.cancel();
    }, timeout.toMillis(), TimeUnit.MILLISECONDS);
    long start = System.nanoTime();
    try (ClassicHttpResponse response = http.executeOpen(target, request, null)) {
      String answer = readBounded(response.getEntity(), request);
      return AttemptResult.answered(response.getCode(), millisSince(start), answer, retryAfter(response));
    } catch (IOException e) {
      return AttemptResult.unreachable(millisSince(start), describe(e, expired.get()));
    } finally {
      deadline.cancel(false);
    }
  }

  /** The address to connect to, after every address of the host passed the policy. */
  private InetAddress checkedAddress(String host) throws UnknownHostException, RefusedAddressException {
    InetAddress[] addresses = resolver.resolve(host);
    if (addresses.length == 0) {
      throw new UnknownHostException(host);
    }
    for (InetAddress address : addresses) {
      if (!policy.allows(address)) {
        throw new RefusedAddressException("refused, not contacted: " + host + " resolves to the non-public address "
            + address.getHostAddress());
      }
    }
    return addresses[0];
  }

  /**
   * The first {@link #LOGGED_BODY} bytes of the answer; reads at most {@code maxResponseBytes}, and
   * drops the connection rather than reading more.
   */
  private String readBounded(HttpEntity entity, HttpPost request) throws IOException {
    if (entity == null) {
      return null;
    }
    byte[] kept = new byte[LOGGED_BODY];
    int keptLength = 0;
    long total = 0;
    byte[] buffer = new byte[8192];
    try (InputStream in = entity.getContent()) {
      int n;
      while ((n = in.read(buffer)) != -1) {
        if (keptLength < LOGGED_BODY) {
          int copy = Math.min(n, LOGGED_BODY - keptLength);
          System.arraycopy(buffer, 0, kept, keptLength, copy);
          keptLength += copy;
        }
        total += n;
        if (total >= maxResponseBytes) {
          request.cancel();
          break;
        }
      }
    }
    return new String(kept, 0, keptLength, StandardCharsets.UTF_8);
  }

  /** {@code Retry-After} in seconds or as an HTTP date. */
  static Optional<Duration> retryAfter(ClassicHttpResponse response) {
    Header header = response.getFirstHeader("Retry-After");
    if (header == null || header.getValue() == null) {
      return Optional.empty();
    }
    String value = header.getValue().strip();
    try {
      return Optional.of(Duration.ofSeconds(Math.max(0, Long.parseLong(value))));
    } catch (NumberFormatException notSeconds) {
      try {
        Duration until = Duration.between(java.time.Instant.now(),
            ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
        return Optional.of(until.isNegative() ? Duration.ZERO : until);
      } catch (DateTimeParseException e) {
        return Optional.empty();
      }
    }
  }

  private String describe(IOException e, boolean expired) {
    if (expired || e instanceof SocketTimeoutException) {
      return "timed out after " + (expired ? timeout : "the socket timeout") + " (" + e.getClass().getSimpleName() + ")";
    }
    if (e instanceof ConnectException) {
      return "connection refused or unreachable: " + e.getMessage();
    }
    return e.getClass().getSimpleName() + ": " + e.getMessage();
  }

  private static long millisSince(long start) {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
  }

  @Override
  public void close() throws IOException {
    deadlines.shutdownNow();
    http.close();
    connections.close();
  }

  private static final class RefusedAddressException extends Exception {
    RefusedAddressException(String message) {
      super(message, null, false, false);
    }
  }

  /** The client never resolves a name itself: every target carries the address checked for it. */
  private static final class RefusingDnsResolver implements org.apache.hc.client5.http.DnsResolver {

    @Override
    public InetAddress[] resolve(String host) throws UnknownHostException {
      throw new UnknownHostException("webhook attempts connect only to addresses checked beforehand: " + host);
    }

    @Override
    public String resolveCanonicalHostname(String host) throws UnknownHostException {
      throw new UnknownHostException(host);
    }
  }
}
