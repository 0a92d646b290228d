package io.emprops.gateway.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.emprops.gateway.support.GatewayIntegrationTest;
import io.emprops.web.testing.RawHttp;
import io.emprops.gateway.support.ServiceStandIn;
import io.emprops.web.identity.IdentityHeaders;
import org.junit.jupiter.api.Test;

/** One credential per request, and a client cannot make the gateway drop what it adds. */
class CredentialsTest extends GatewayIntegrationTest {

  @Test
  void twoAuthorizationHeadersAreAmbiguousEvenWhenTheFirstIsValid() {
    RawHttp.Response response = new RawHttp(port).get("/credits/balance",
        "Authorization: " + bearer(token(newUserId())),
        "Authorization: Bearer not-a-token");

    assertThat(response.status()).isEqualTo(400);
    assertThat(response.body()).contains("\"code\":\"AMBIGUOUS_CREDENTIALS\"");
    assertThat(service("credits").received()).isEmpty();
  }

  @Test
  void aBearerTokenTogetherWithAnApiKeyIsAmbiguousWhicheverIsValid() {
    client.get().uri("/credits/balance")
        .header("Authorization", bearer(token(newUserId())))
        .header("X-API-Key", "emp_0123456789ab.forged")
        .exchange()
        .expectStatus().isBadRequest()
        .expectBody().jsonPath("$.code").isEqualTo("AMBIGUOUS_CREDENTIALS")
        .jsonPath("$.data").isEmpty();
    assertThat(service("credits").received()).isEmpty();
  }

  @Test
  void oneCredentialIsEnough() {
    client.get().uri("/credits/balance")
        .header("Authorization", bearer(token(newUserId())))
        .exchange()
        .expectStatus().isOk();
  }

  @Test
  void aConnectionHeaderNamingTheIdentityHeadersCannotRemoveThem() {
    String userId = newUserId();
    RawHttp.Response response = new RawHttp(port).get("/credits/balance",
        "Authorization: " + bearer(token(userId, java.util.List.of("user"))),
        "Connection: X-User-Roles, X-User-Id, X-Internal-Auth");

    assertThat(response.status()).isEqualTo(200);
    ServiceStandIn.Received received = service("credits").takeRequest();
    assertThat(received.headers().getFirst(IdentityHeaders.USER_ID)).isEqualTo(userId);
    assertThat(received.headers().getFirst(IdentityHeaders.USER_ROLES)).isEqualTo("user");
    assertThat(received.headers().getFirst(IdentityHeaders.INTERNAL_AUTH)).isNotBlank();
  }
}
