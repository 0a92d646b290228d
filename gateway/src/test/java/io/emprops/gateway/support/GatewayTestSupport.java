package io.emprops.gateway.support;

import com.nimbusds.jose.jwk.RSAKey;
import io.emprops.gateway.GatewayApplication;
import io.emprops.localstack.infra.DevTokenIssuer;
import io.emprops.localstack.infra.Infrastructure;
import io.emprops.localstack.launcher.AppProperties;
import io.emprops.localstack.testing.EmbeddedInfrastructure;
import io.emprops.localstack.testing.SharedInfrastructure;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * A real gateway on a random port, configured exactly as the local stack configures it (real
 * Redis, real JWKS issuer), with recording stubs as downstream services. The stubs live as long
 * as the test JVM, so that test classes with the same wiring share one Spring context.
 */
@SpringBootTest(classes = GatewayApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@EmbeddedInfrastructure(app = "gateway")
@org.springframework.context.annotation.Import(AdjustableClockConfiguration.class)
public abstract class GatewayTestSupport {

  protected static final Map<String, ServiceStandIn> SERVICES = ServiceStandIn.forEveryService();
  protected static final String ALLOWED_ORIGIN = "https://app.emprops.example";

  @LocalServerPort
  protected int port;

  protected WebTestClient client;

  /**
   * Points each service at its stub, or at the URL in {@code overrides}; adds the settings all
   * gateway tests share.
   */
  protected static void registerServices(DynamicPropertyRegistry registry, Map<String, String> overrides) {
    SERVICES.forEach((name, stub) -> registry.add("emprops.gateway.services." + name,
        () -> overrides.getOrDefault(name, stub.baseUrl())));
    // A small upload limit for the rate-limit test, which moves the clock to the next window.
    registry.add("emprops.gateway.rate-limits.upload.limit", () -> "5");
    registry.add("emprops.gateway.rate-limits.upload.window", () -> "2s");
    // Counting is what these tests check: on a loaded machine a first Redis command can take
    // longer than production's 250 ms, and the request would pass uncounted.
    registry.add("emprops.gateway.rate-limits.redis-budget", () -> "5s");
    registry.add("emprops.gateway.cors.allowed-origins", () -> ALLOWED_ORIGIN);
    // Every test client is 127.0.0.1 and many present refused credentials on purpose; the
    // failed-authentication throttle has its own test, its own context and its own addresses.
    registry.add("emprops.gateway.rate-limits.failed-authentication.limit", () -> "1000000");
    registry.add("emprops.gateway.rate-limits.failed-authentication.window", () -> "1m");
  }

  @BeforeEach
  void clientAndCleanStubs() {
    client = WebTestClient.bindToServer()
        .baseUrl(gatewayUrl())
        .responseTimeout(Duration.ofSeconds(15))
        .build();
    SERVICES.values().forEach(ServiceStandIn::clear);
  }

  protected String gatewayUrl() {
    return "http://127.0.0.1:" + port;
  }

  /** The first event of job {@code job}'s SSE stream through the gateway, for a new user. */
  protected ServerSentEvent<String> firstStreamEvent(String job) {
    return WebClient.create(gatewayUrl()).get()
        .uri("/jobs/" + job + "/events")
        .header(HttpHeaders.AUTHORIZATION, bearer(token(newUserId())))
        .accept(MediaType.TEXT_EVENT_STREAM)
        .retrieve()
        .bodyToFlux(new ParameterizedTypeReference<ServerSentEvent<String>>() {})
        .blockFirst(Duration.ofSeconds(10));
  }

  protected static ServiceStandIn service(String name) {
    return SERVICES.get(name);
  }

  /** Paths that reach each stub service through the gateway for an ordinary signed-in user. */
  private static final Map<String, String> MARKER_PATHS = Map.of(
      "collections", "/projects", "credits", "/credits/balance", "generator", "/jobs");

  /**
   * Asserts that nothing the test sent before reached {@code name}: a marker request sent now must be
   * the first request that service receives. The marker is the sync point — a request the gateway
   * had forwarded earlier would have reached the service before it — so no fixed wait decides.
   */
  protected void assertNothingForwardedTo(String name) {
    String marker = java.util.UUID.randomUUID().toString();
    client.get().uri(MARKER_PATHS.get(name) + "?marker=" + marker)
        .header("Authorization", bearer(token(newUserId())))
        .exchange()
        .expectStatus().isOk();
    org.assertj.core.api.Assertions.assertThat(service(name).takeRequest().uri())
        .as("the first request %s received after the refused ones", name)
        .endsWith("marker=" + marker);
  }

  /** A port on 127.0.0.1 where nothing listens (until a test starts something there). */
  protected static int unusedPort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  protected static Infrastructure infrastructure() {
    return SharedInfrastructure.get();
  }

  /** A fresh user per call, so that tests never share a rate-limit counter. */
  protected static String newUserId() {
    return "user-" + UUID.randomUUID();
  }

  protected static String token(String userId, Collection<String> roles) {
    return infrastructure().issuer().mint(userId, roles, Duration.ofMinutes(5));
  }

  protected static String token(String userId) {
    return token(userId, List.of());
  }

  protected static String bearer(String token) {
    return "Bearer " + token;
  }

  protected static String internalSecret() {
    return AppProperties.internalSecret(infrastructure());
  }

  /** The dev issuer's private key, for forging tokens the issuer would never mint. */
  protected static RSAKey issuerKey() {
    infrastructure().issuer(); // writes the key file on first start
    try {
      return RSAKey.parse(Files.readString(Infrastructure.issuerKeyFile(infrastructure().layout())));
    } catch (Exception e) {
      throw new IllegalStateException("cannot read the dev issuer key", e);
    }
  }

  protected static String issuer() {
    return DevTokenIssuer.ISSUER;
  }

  protected static String audience() {
    return DevTokenIssuer.AUDIENCE;
  }
}
