package io.emprops.gateway.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.emprops.gateway.support.GatewayTestSupport;
import io.emprops.web.testing.RawHttp;
import java.net.InetAddress;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Refused credentials are counted per client address: past the limit they are answered 429 with
 * {@code Retry-After}, while a valid caller behind the same address goes on unhindered. Each test
 * speaks from a loopback address of its own, so no other test's failures count here.
 */
class FailedAuthenticationThrottleTest extends GatewayTestSupport {

  private static final int LIMIT = 5;

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    registerServices(registry, Map.of());
    registry.add("emprops.gateway.rate-limits.failed-authentication.limit", () -> Integer.toString(LIMIT));
    registry.add("emprops.gateway.rate-limits.failed-authentication.window", () -> "10m");
  }

  @Test
  void failuresBeyondTheLimitAre429WithRetryAfterAndAValidCallerIsNotSlowed() {
    InetAddress address = RawHttp.freshLoopbackAddress();
    RawHttp client = new RawHttp(port, address);

    for (int i = 0; i < LIMIT; i++) {
      RawHttp.Response refused = client.get("/credits/balance", "Authorization: Bearer forged." + i + ".token");
      assertThat(refused.status()).as("failure %d", i + 1).isEqualTo(401);
    }
    RawHttp.Response throttled = client.get("/credits/balance", "X-API-Key: emp_0123456789ab.forged");
    assertThat(throttled.status()).isEqualTo(429);
    assertThat(throttled.body()).contains("\"code\":\"RATE_LIMITED\"");
    assertThat(Long.parseLong(throttled.header("Retry-After"))).isBetween(1L, 600L);

    RawHttp.Response valid = client.get("/credits/balance", "Authorization: " + bearer(token(newUserId())));
    assertThat(valid.status()).isEqualTo(200);
    // A request without any credential is no failed authentication: still the plain 401.
    assertThat(client.get("/credits/balance").status()).isEqualTo(401);
  }

  @Test
  void anotherAddressKeepsItsOwnBudget() {
    RawHttp attacker = new RawHttp(port, RawHttp.freshLoopbackAddress());
    for (int i = 0; i <= LIMIT; i++) {
      attacker.get("/credits/balance", "Authorization: Bearer forged.token." + i);
    }
    assertThat(attacker.get("/credits/balance", "Authorization: Bearer forged.again").status()).isEqualTo(429);

    RawHttp neighbour = new RawHttp(port, RawHttp.freshLoopbackAddress());
    assertThat(neighbour.get("/credits/balance", "Authorization: Bearer forged.once").status()).isEqualTo(401);
  }
}
