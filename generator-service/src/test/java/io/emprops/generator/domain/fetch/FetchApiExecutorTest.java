package io.emprops.generator.domain.fetch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.stream.Stream;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** Calls a real HTTP server on 127.0.0.1, which records every request that reaches it. */
class FetchApiExecutorTest {

  private static final String OUTPUT = "$.data[0].url";

  private final JsonMapper json = JsonMapper.builder().build();
  private final List<Received> received = new CopyOnWriteArrayList<>();
  private HttpServer server;
  private String base;
  private FetchApiExecutor executor;

  private record Received(String method, String uri, String contentType, String authorization, String body) {}

  @BeforeEach
  void startServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    // Handlers that sleep must not hold up the others.
    server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    server.start();
    base = "http://127.0.0.1:" + server.getAddress().getPort();
  }

  @AfterEach
  void stop() {
    server.stop(0);
    if (executor != null) {
      executor.close();
    }
  }

  @Test
  void postsTheRenderedBodyAndExtractsTheOutput() {
    respond("/v1/images/generations", 200, """
        {"created": 1, "data": [{"url": "https://cdn.example.com/fox.png"}]}""");
    JsonNode body = json.readTree("""
        {"model": "gpt-image-1", "prompt": "a fox, \\"ukiyo-e\\" style", "size": "1024x1024", "n": 1, "tags": ["é", null]}""");
    JsonNode request = json.createObjectNode()
        .put("method", "POST")
        .put("url", base + "/v1/images/generations")
        .<ObjectNode>set("headers", json.createObjectNode().put("Authorization", "Bearer sk-test"))
        .set("body", body);

    long before = System.nanoTime();
    FetchResult result = executor(localProperties()).execute(request, OUTPUT);
    long wallMillis = java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - before);

    assertThat(result.output().asString()).isEqualTo("https://cdn.example.com/fox.png");
    assertThat(result.status()).isEqualTo(200);
    assertThat(result.elapsedMillis()).as("the call's own duration, within the time the test waited for it")
        .isBetween(0L, wallMillis);
    assertThat(received).singleElement().satisfies(r -> {
      assertThat(r.method()).isEqualTo("POST");
      assertThat(r.uri()).isEqualTo("/v1/images/generations");
      assertThat(r.authorization()).isEqualTo("Bearer sk-test");
      assertThat(r.contentType()).as("the default for a JSON body").isEqualTo("application/json");
      assertThat(r.body()).isEqualTo(json.writeValueAsString(body));
    });
  }

  @Test
  void getIsTheDefaultMethodAndSendsNoBody() {
    respond("/items", 200, "{\"items\": [{\"id\": 7}]}");

    FetchResult result = executor(localProperties())
        .execute(json.readTree("{\"url\": \"" + base + "/items?q=fox&page=2\"}"), "$.items[0].id");

    assertThat(result.output().asInt()).isEqualTo(7);
    assertThat(received).singleElement().satisfies(r -> {
      assertThat(r.method()).isEqualTo("GET");
      assertThat(r.uri()).isEqualTo("/items?q=fox&page=2");
      assertThat(r.body()).isEmpty();
    });
  }

  @Test
  void aStringBodyIsSentAsItIsWithTheGivenContentType() {
    respond("/form", 200, "{\"ok\": {\"id\": \"abc\"}}");

    FetchResult result = executor(localProperties()).execute(json.readTree("""
        {"method": "PATCH", "url": "%s/form", "headers": {"content-type": "application/x-www-form-urlencoded"},
         "body": "prompt=a+fox&size={raw}"}""".formatted(base)), "$.ok");

    assertThat(result.output()).isEqualTo(json.readTree("{\"id\": \"abc\"}"));
    assertThat(received).singleElement().satisfies(r -> {
      assertThat(r.method()).isEqualTo("PATCH");
      assertThat(r.contentType()).isEqualTo("application/x-www-form-urlencoded");
      assertThat(r.body()).isEqualTo("prompt=a+fox&size={raw}");
    });
  }

  @ParameterizedTest
  @ValueSource(strings = {"api.example.com", "127.0.0.2", "*.example.com", "127.0.0.1:1"})
  void refusesHostsThatAreNotAllowListedWithoutSendingAnything(String allowed) {
    respond("/", 200, "{}");
    var properties = new FetchApiProperties(List.of(allowed), Duration.ofSeconds(5), 0, true);

    assertFails(() -> executor(properties).execute(get(base + "/"), "$"), false,
        "host 127.0.0.1:" + server.getAddress().getPort()
            + " is not on the outbound allow-list (emprops.generator.fetch.allowed-hosts)");
    assertThat(received).isEmpty();
  }

  @Test
  void anEmptyAllowListRefusesEverything() {
    var properties = new FetchApiProperties(null, null, 0, true);

    assertFails(() -> executor(properties).execute(get(base + "/"), "$"), false, "is not on the outbound allow-list");
    assertThat(received).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"127.0.0.1", "localhost"})
  void refusesAllowListedHostsThatResolveToPrivateAddresses(String host) {
    respond("/", 200, "{}");
    var properties = new FetchApiProperties(List.of(host), Duration.ofSeconds(5), 0, false);

    assertFails(() -> executor(properties).execute(get("http://" + host + ":" + server.getAddress().getPort() + "/"), "$"),
        false, "host " + host + " resolves to a private or reserved address");
    assertThat(received).isEmpty();
  }

  @Test
  void doesNotFollowRedirects() {
    handle("/start", exchange -> {
      exchange.getResponseHeaders().add("Location", base + "/elsewhere");
      exchange.sendResponseHeaders(302, -1);
    });
    respond("/elsewhere", 200, "{\"data\": [{\"url\": \"x\"}]}");

    assertFails(() -> executor(localProperties()).execute(get(base + "/start"), OUTPUT), false,
        "answered HTTP 302 (redirects are not followed)");
    assertThat(received).extracting(Received::uri).containsExactly("/start");
  }

  @ParameterizedTest
  @CsvSource({"500, true", "503, true", "429, true", "404, false", "400, false", "401, false"})
  void anErrorStatusFailsQuotingTheBodyAndIsRetryableWhenTransient(int status, boolean retryable) {
    respond("/", status, "{\"error\":\n  {\"message\": \"upstream says no\"}}");

    assertFails(() -> executor(localProperties()).execute(get(base + "/"), OUTPUT), retryable,
        "answered HTTP " + status + ": {\"error\": {\"message\": \"upstream says no\"}}");
  }

  @Test
  void quotesOnlyTheStartOfALongErrorBody() {
    respond("/", 502, "<html>" + "x".repeat(10_000) + "</html>");

    assertThatThrownBy(() -> executor(localProperties()).execute(get(base + "/"), OUTPUT))
        .isInstanceOf(FetchApiException.class)
        .hasMessageEndingWith(": <html>" + "x".repeat(194) + "…");
  }

  @Test
  void timesOutWaitingForTheResponse() {
    handle("/slow", exchange -> {
      sleep(Duration.ofSeconds(3));
      reply(exchange, 200, "{}");
    });
    var properties = new FetchApiProperties(List.of("127.0.0.1"), Duration.ofMillis(300), 0, true);

    // The 0.3 s timeout answered (the server would have answered 200 after 3 s).
    assertFails(() -> executor(properties).execute(get(base + "/slow"), "$"), true, "timed out after 0.3s");
  }

  @Test
  void theTimeoutAlsoBoundsReadingTheBody() {
    handle("/drip", exchange -> {
      exchange.sendResponseHeaders(200, 0);
      try (OutputStream out = exchange.getResponseBody()) {
        for (int i = 0; i < 30; i++) {
          out.write(' ');
          out.flush();
          sleep(Duration.ofMillis(100));
        }
        out.write("{}".getBytes(StandardCharsets.UTF_8));
      }
    });
    var properties = new FetchApiProperties(List.of("127.0.0.1"), Duration.ofMillis(300), 0, true);

    assertFails(() -> executor(properties).execute(get(base + "/drip"), "$"), true, "timed out after 0.3s");
  }

  @Test
  void refusesAResponseLargerThanTheLimit() {
    // Chunked, so that only counting the bytes can tell.
    handle("/big", exchange -> {
      exchange.sendResponseHeaders(200, 0);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(jsonOfLength(4096).getBytes(StandardCharsets.UTF_8));
      }
    });
    var properties = new FetchApiProperties(List.of("127.0.0.1"), Duration.ofSeconds(5), 1024, true);

    assertFails(() -> executor(properties).execute(get(base + "/big"), "$"), false,
        "response from 127.0.0.1 is larger than 1024 bytes (emprops.generator.fetch.max-response-bytes)");
  }

  @Test
  void readsAResponseOfExactlyTheLimit() {
    respond("/", 200, jsonOfLength(1024));
    var properties = new FetchApiProperties(List.of("127.0.0.1"), Duration.ofSeconds(5), 1024, true);

    assertThat(executor(properties).execute(get(base + "/"), "$.pad").output().asString()).hasSize(1024 - 10);
  }

  @ParameterizedTest
  @ValueSource(strings = {"<html>not json</html>", "", "{\"a\": "})
  void refusesAResponseThatIsNotJson(String body) {
    respond("/", 200, body);

    assertFails(() -> executor(localProperties()).execute(get(base + "/"), "$"), false, "response from 127.0.0.1 is not JSON");
  }

  @ParameterizedTest
  @ValueSource(strings = {"{\"data\": []}", "{\"data\": [{\"url\": null}]}", "[]"})
  void failsWhenTheOutputPathHasNoValue(String body) {
    respond("/", 200, body);

    assertFails(() -> executor(localProperties()).execute(get(base + "/"), OUTPUT), false,
        "response from 127.0.0.1 has no value at $.data[0].url");
  }

  @Test
  void aConnectionFailureIsRetryable() throws IOException {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = socket.getLocalPort();
    }

    assertFails(() -> executor(localProperties()).execute(get("http://127.0.0.1:" + closedPort + "/"), "$"), true,
        "call to 127.0.0.1 failed: ");
  }

  static Stream<Arguments> refusedRequests() {
    return Stream.of(
        Arguments.of("{\"method\": \"DELETE\", \"url\": \"URL\"}", "$", "method: must be GET, POST, PUT or PATCH"),
        Arguments.of("{\"method\": \"post\", \"url\": \"URL\"}", "$", "method: must be GET, POST, PUT or PATCH"),
        Arguments.of("{\"method\": 1, \"url\": \"URL\"}", "$", "method: must be GET, POST, PUT or PATCH"),
        Arguments.of("{}", "$", "url: must be a string"),
        Arguments.of("{\"url\": \"/relative\"}", "$", "url: must be an absolute http or https URL"),
        Arguments.of("{\"url\": \"ftp://127.0.0.1/file\"}", "$", "url: must be an absolute http or https URL"),
        Arguments.of("{\"url\": \"http://user:pw@127.0.0.1/\"}", "$", "url: must not contain user info"),
        Arguments.of("{\"url\": \"URL\", \"headers\": {\"Host\": \"internal\"}}", "$",
            "headers: Host is set by the HTTP client and cannot be overridden"),
        Arguments.of("{\"url\": \"URL\", \"headers\": {\"content-length\": \"1\"}}", "$",
            "headers: content-length is set by the HTTP client"),
        Arguments.of("{\"url\": \"URL\", \"headers\": {\"Connection\": \"close\"}}", "$", "headers: Connection is set"),
        Arguments.of("{\"url\": \"URL\", \"headers\": {\"Transfer-Encoding\": \"chunked\"}}", "$",
            "headers: Transfer-Encoding is set"),
        Arguments.of("{\"url\": \"URL\", \"headers\": {\"X-Count\": 3}}", "$", "headers: the value of X-Count must be a string"),
        Arguments.of("{\"url\": \"URL\", \"headers\": [\"X-A: b\"]}", "$", "headers: must be an object"),
        Arguments.of("{\"method\": \"POST\", \"url\": \"URL\", \"body\": 42}", "$",
            "body: must be a JSON object, an array or a string"),
        Arguments.of("{\"url\": \"URL\"}", "data[0].url", "output.json_path: invalid JSON path data[0].url"));
  }

  @ParameterizedTest
  @MethodSource("refusedRequests")
  void refusesInvalidRequestsWithoutSendingAnything(String request, String outputPath, String message) {
    respond("/", 200, "{}");

    assertFails(() -> executor(localProperties()).execute(json.readTree(request.replace("URL", base + "/")), outputPath),
        false, message);
    assertThat(received).isEmpty();
  }

  @Test
  void keepsHeaderValuesAndUrlsOutOfMessages() {
    respond("/", 200, "{}");
    FetchApiExecutor executor = executor(localProperties());

    assertThatThrownBy(() -> executor.execute(json.readTree("""
        {"url": "%s/", "headers": {"Authorization": "Bearer sk-secret\\r\\nX-Injected: 1"}}""".formatted(base)), "$"))
        .hasMessage("headers: Authorization is not a valid header name or value");
    assertThatThrownBy(() -> executor.execute(get(base + "/?key=sk-secret and more"), "$"))
        .hasMessageStartingWith("url: not a valid URL")
        .hasMessageNotContaining("sk-secret");
    assertThat(received).isEmpty();
  }

  private FetchApiProperties localProperties() {
    return new FetchApiProperties(List.of("127.0.0.1"), Duration.ofSeconds(5), 64 * 1024, true);
  }

  private FetchApiExecutor executor(FetchApiProperties properties) {
    executor = new FetchApiExecutor(properties, json);
    return executor;
  }

  private JsonNode get(String url) {
    return json.createObjectNode().put("method", "GET").put("url", url);
  }

  private static void assertFails(ThrowingCallable call, boolean retryable, String message) {
    assertThatThrownBy(call)
        .isInstanceOfSatisfying(FetchApiException.class, e -> assertThat(e.retryable()).as("retryable").isEqualTo(retryable))
        .hasMessageContaining(message);
  }

  /** A JSON object of exactly {@code length} bytes: {@code {"pad":"xxx…"}}. */
  private static String jsonOfLength(int length) {
    return "{\"pad\":\"" + "x".repeat(length - 10) + "\"}";
  }

  private void respond(String path, int status, String body) {
    handle(path, exchange -> reply(exchange, status, body));
  }

  private void handle(String path, HttpHandler handler) {
    server.createContext(path, exchange -> {
      received.add(new Received(exchange.getRequestMethod(), exchange.getRequestURI().toString(),
          exchange.getRequestHeaders().getFirst("Content-Type"), exchange.getRequestHeaders().getFirst("Authorization"),
          new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
      handler.handle(exchange);
    });
  }

  private static void reply(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
