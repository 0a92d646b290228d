package io.emprops.generator.domain.fetch;

import io.emprops.web.outbound.HostAllowList;
import io.emprops.web.outbound.PrivateAddresses;
import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Runs the request of a {@code fetch_api} workflow ({@code data.template}, already rendered:
 * {@code {method, url, headers, body}}) and picks the output out of the JSON response with the
 * workflow's {@code output.json_path}.
 *
 * <p>The URL is chosen by a workflow author, so the call is fenced in: only allow-listed hosts,
 * only public addresses (unless {@link FetchApiProperties#allowPrivateAddresses()}), no redirects
 * (a redirect could lead anywhere), a bounded time and a bounded response size. Header values are
 * never logged nor put in messages: they usually carry API keys.
 */
@Component
public class FetchApiExecutor implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(FetchApiExecutor.class);

  private static final Set<String> METHODS = Set.of("GET", "POST", "PUT", "PATCH");

  /** Connection and framing headers belong to the HTTP client; a template must not forge them. */
  private static final Set<String> REFUSED_HEADERS =
      Set.of("host", "content-length", "connection", "transfer-encoding", "expect", "upgrade");

  /** An error response is only quoted, so only its beginning is read. */
  private static final int ERROR_BODY_BYTES = 1024;

  private static final int QUOTED_BODY_CHARS = 200;

  private final FetchApiProperties properties;
  private final HostAllowList allowList;
  private final JsonMapper json;
  private final HttpClient http;

  public FetchApiExecutor(FetchApiProperties properties, JsonMapper json) {
    this.properties = properties;
    this.allowList = HostAllowList.of("emprops.generator.fetch.allowed-hosts", properties.allowedHosts());
    this.json = json;
    this.http = HttpClient.newBuilder()
        .followRedirects(HttpClient.Redirect.NEVER)
        .connectTimeout(properties.timeout())
        .version(HttpClient.Version.HTTP_1_1)
        .build();
  }

  /**
   * Sends the request and returns the value at {@code outputJsonPath} in the response. Blocks for
   * at most {@link FetchApiProperties#timeout()} plus the host's DNS resolution.
   *
   * @param request the rendered template: {@code url} (required), {@code method} (GET by default),
   *     {@code headers} (an object of strings), {@code body} (an object or array sent as JSON, a
   *     string sent as it is)
   * @throws FetchApiException when the request is refused or fails; nothing is sent when the
   *     request, the path, the host or its addresses are refused
   */
  public FetchResult execute(JsonNode request, String outputJsonPath) {
    JsonPath outputPath = outputPath(outputJsonPath);
    URI uri = uri(request.get("url"));
    HttpRequest httpRequest = httpRequest(uri, request);
    String host = uri.getHost();
    if (!allowList.allows(host, port(uri))) {
      throw refused("host " + uri.getRawAuthority()
          + " is not on the outbound allow-list (emprops.generator.fetch.allowed-hosts)");
    }
    if (!properties.allowPrivateAddresses()) {
      requirePublicAddresses(host);
    }

    long started = System.nanoTime();
    HttpResponse<Body> response = send(httpRequest, host);
    long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
    int status = response.statusCode();
    log.debug("fetch_api {} {} answered {} in {} ms", httpRequest.method(), host, status, elapsedMillis);

    if (status / 100 != 2) {
      throw statusFailure(host, status, response.body());
    }
    if (response.body().truncated()) {
      throw refused("response from " + host + " is larger than " + properties.maxResponseBytes()
          + " bytes (emprops.generator.fetch.max-response-bytes)");
    }
    JsonNode output = outputPath.read(parse(host, response.body().bytes()))
        .filter(node -> !node.isNull())
        .orElseThrow(() -> refused("response from " + host + " has no value at " + outputPath));
    return new FetchResult(output, status, elapsedMillis);
  }

  /** Stops the HTTP client when the application shuts down. */
  @Override
  public void close() {
    http.close();
  }

  private static JsonPath outputPath(String expression) {
    try {
      return JsonPath.compile(expression);
    } catch (IllegalArgumentException e) {
      throw refused("output.json_path: " + e.getMessage());
    }
  }

  /** Only the parse error's reason is quoted: the URL itself may carry a key in its query. */
  private static URI uri(JsonNode url) {
    if (url == null || !url.isString()) {
      throw refused("url: must be a string");
    }
    URI uri;
    try {
      uri = new URI(url.asString());
    } catch (URISyntaxException e) {
      throw refused("url: not a valid URL (" + e.getReason() + " at index " + e.getIndex() + ")");
    }
    String scheme = uri.getScheme();
    if (scheme == null || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))) {
      throw refused("url: must be an absolute http or https URL");
    }
    if (uri.getRawUserInfo() != null) {
      throw refused("url: must not contain user info; send credentials in a header");
    }
    if (uri.getHost() == null) {
      throw refused("url: has no valid host");
    }
    return uri;
  }

  private static int port(URI uri) {
    if (uri.getPort() != -1) {
      return uri.getPort();
    }
    return uri.getScheme().equalsIgnoreCase("https") ? 443 : 80;
  }

  private static String method(JsonNode method) {
    if (method == null || method.isNull()) {
      return "GET";
    }
    if (!method.isString() || !METHODS.contains(method.asString())) {
      throw refused("method: must be GET, POST, PUT or PATCH");
    }
    return method.asString();
  }

  private HttpRequest httpRequest(URI uri, JsonNode request) {
    String method = method(request.get("method"));
    HttpRequest.Builder builder = HttpRequest.newBuilder(uri);
    boolean hasContentType = false;
    JsonNode headers = request.get("headers");
    if (headers != null && !headers.isNull()) {
      if (!headers.isObject()) {
        throw refused("headers: must be an object");
      }
      for (Map.Entry<String, JsonNode> header : headers.properties()) {
        String name = header.getKey();
        if (REFUSED_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
          throw refused("headers: " + name + " is set by the HTTP client and cannot be overridden");
        }
        if (!header.getValue().isString()) {
          throw refused("headers: the value of " + name + " must be a string");
        }
        try {
          builder.header(name, header.getValue().asString());
        } catch (IllegalArgumentException e) {
          // Not e's message: it may quote the value.
          throw refused("headers: " + name + " is not a valid header name or value");
        }
        hasContentType |= name.equalsIgnoreCase("Content-Type");
      }
    }
    JsonNode body = request.get("body");
    BodyPublisher publisher;
    if (body == null || body.isNull()) {
      publisher = BodyPublishers.noBody();
    } else if (body.isString()) {
      publisher = BodyPublishers.ofString(body.asString());
    } else if (body.isObject() || body.isArray()) {
      publisher = BodyPublishers.ofByteArray(json.writeValueAsBytes(body));
      if (!hasContentType) {
        builder.header("Content-Type", "application/json");
      }
    } else {
      throw refused("body: must be a JSON object, an array or a string");
    }
    return builder.method(method, publisher).build();
  }

  /**
   * Refuses a host if any of its addresses is not public, so that neither DNS nor an IP literal
   * can point a workflow at the service's own network or the cloud metadata endpoint.
   *
   * <p>Residual risk, DNS rebinding: the HTTP client resolves the host again when it connects, and
   * a hostile DNS server could answer with a public address here and a private one then.
   * {@code java.net.http} cannot be made to connect to an address resolved in advance (TLS and the
   * Host header need the name), so this relies on the allow-list: only operators' chosen hosts,
   * whose DNS is trusted, get this far.
   */
  private static void requirePublicAddresses(String host) {
    Optional<InetAddress> nonPublic;
    try {
      nonPublic = PrivateAddresses.firstNonPublic(host);
    } catch (UnknownHostException e) {
      throw new FetchApiException("could not resolve host " + host, true);
    }
    if (nonPublic.isPresent()) {
      log.warn("Refused a fetch_api call: {} resolves to the non-public address {}", host,
          nonPublic.get().getHostAddress());
      throw refused("host " + host + " resolves to a private or reserved address"
          + " (emprops.generator.fetch.allow-private-addresses is off)");
    }
  }

  /**
   * The request's own timeout stops at the response headers, so the whole exchange, body
   * included, is bounded here instead; cancelling the future aborts the exchange.
   */
  private HttpResponse<Body> send(HttpRequest request, String host) {
    CompletableFuture<HttpResponse<Body>> call = http.sendAsync(request, info -> new LimitedBody(
        info.statusCode() / 100 == 2 ? properties.maxResponseBytes() : Math.min(ERROR_BODY_BYTES, properties.maxResponseBytes())));
    try {
      return call.get(properties.timeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      call.cancel(true);
      throw timedOut(host);
    } catch (InterruptedException e) {
      call.cancel(true);
      Thread.currentThread().interrupt();
      throw new FetchApiException("call to " + host + " was interrupted", true);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof HttpTimeoutException) {
        throw timedOut(host);
      }
      String reason = cause.getMessage() == null
          ? cause.getClass().getSimpleName()
          : cause.getClass().getSimpleName() + ": " + cause.getMessage();
      throw new FetchApiException("call to " + host + " failed: " + reason, true, cause);
    }
  }

  private FetchApiException timedOut(String host) {
    String seconds = BigDecimal.valueOf(properties.timeout().toMillis()).movePointLeft(3).stripTrailingZeros().toPlainString();
    return new FetchApiException("call to " + host + " timed out after " + seconds + "s", true);
  }

  private static FetchApiException statusFailure(String host, int status, Body body) {
    if (status / 100 == 3) {
      return refused(host + " answered HTTP " + status + " (redirects are not followed)");
    }
    String quoted = quote(body.bytes());
    boolean retryable = status / 100 == 5 || status == 429;
    return new FetchApiException(host + " answered HTTP " + status + (quoted.isEmpty() ? "" : ": " + quoted), retryable);
  }

  /** The start of an error body on one line, so that the reason an API gives reaches the user. */
  private static String quote(byte[] body) {
    String text = new String(body, StandardCharsets.UTF_8).replaceAll("\\s+", " ").strip();
    if (text.length() <= QUOTED_BODY_CHARS) {
      return text;
    }
    int end = Character.isHighSurrogate(text.charAt(QUOTED_BODY_CHARS - 1)) ? QUOTED_BODY_CHARS - 1 : QUOTED_BODY_CHARS;
    return text.substring(0, end) + "…";
  }

  private JsonNode parse(String host, byte[] body) {
    try {
      JsonNode document = json.readTree(body);
      if (document != null && !document.isMissingNode()) {
        return document;
      }
    } catch (JacksonException e) {
      // reported below, without the parser's message, which quotes the body
    }
    throw refused("response from " + host + " is not JSON");
  }

  private static FetchApiException refused(String message) {
    return new FetchApiException(message, false);
  }

  /** A response body, cut short at the limit when {@code truncated}. */
  private record Body(byte[] bytes, boolean truncated) {}

  /** Collects a body up to a limit; beyond it, stops reading (which drops the connection). */
  private static final class LimitedBody implements HttpResponse.BodySubscriber<Body> {

    private final long limit;
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final CompletableFuture<Body> result = new CompletableFuture<>();
    private Flow.Subscription subscription;

    LimitedBody(long limit) {
      this.limit = limit;
    }

    @Override
    public CompletionStage<Body> getBody() {
      return result;
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
      this.subscription = subscription;
      subscription.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(List<ByteBuffer> buffers) {
      // Signals may still arrive after cancelling.
      if (result.isDone()) {
        return;
      }
      for (ByteBuffer buffer : buffers) {
        long room = limit - bytes.size();
        byte[] chunk = new byte[(int) Math.min(room, buffer.remaining())];
        buffer.get(chunk);
        bytes.writeBytes(chunk);
        if (buffer.hasRemaining()) {
          subscription.cancel();
          result.complete(new Body(bytes.toByteArray(), true));
          return;
        }
      }
    }

    @Override
    public void onError(Throwable error) {
      result.completeExceptionally(error);
    }

    @Override
    public void onComplete() {
      result.complete(new Body(bytes.toByteArray(), false));
    }
  }
}
