package io.emprops.gateway.identity;

import static org.assertj.core.api.Assertions.assertThat;

import io.emprops.gateway.support.GatewayIntegrationTest;
import io.emprops.gateway.support.ServiceStandIn;
import io.emprops.web.identity.CallerIdentity;
import io.emprops.web.identity.IdentityHeaders;
import io.emprops.web.identity.InternalCredential;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What a service learns about the caller, and that it can check the gateway said it. */
class IdentityForwardingTest extends GatewayIntegrationTest {

  private final InternalCredential credential = new InternalCredential(internalSecret());

  @Test
  void forwardsTheVerifiedIdentityWithAValidCredential() {
    String userId = newUserId();
    client.post().uri("/jobs/j1/cancel?reason=x")
        .header("Authorization", bearer(token(userId, List.of("user", "admin"))))
        .exchange()
        .expectStatus().isOk();

    ServiceStandIn.Received received = service("generator").takeRequest();
    assertThat(received.headers().getFirst(IdentityHeaders.USER_ID)).isEqualTo(userId);
    assertThat(received.headers().getFirst(IdentityHeaders.USER_ROLES)).isEqualTo("admin,user");
    CallerIdentity caller = CallerIdentity.user(userId, Set.of("user", "admin"));
    assertThat(credential.verify(received.headers().getFirst(IdentityHeaders.INTERNAL_AUTH),
        "POST", received.rawPath(), caller)).isEmpty();
  }

  @Test
  void ignoresAndStripsClientSentIdentityHeaders() {
    String userId = newUserId();
    client.get().uri("/credits/balance")
        .header("Authorization", bearer(token(userId)))
        .header("X-User-Id", "someone-else")
        .header("x-user-roles", "admin")
        .header("X-User-Anything", "forged")
        .header("X-Internal-Auth", "v1.0.forged")
        .header("X-INTERNAL-Whatever", "forged")
        .exchange()
        .expectStatus().isOk();

    ServiceStandIn.Received received = service("credits").takeRequest();
    assertThat(received.headers().get(IdentityHeaders.USER_ID)).containsExactly(userId);
    assertThat(received.headers().get(IdentityHeaders.USER_ROLES)).containsExactly("");
    assertThat(received.headers().get(IdentityHeaders.INTERNAL_AUTH)).hasSize(1);
    assertThat(received.headers().headerNames())
        .noneMatch(name -> name.equalsIgnoreCase("X-User-Anything"))
        .noneMatch(name -> name.equalsIgnoreCase("X-Internal-Whatever"));
    assertThat(credential.verify(received.headers().getFirst(IdentityHeaders.INTERNAL_AUTH),
        "GET", "/credits/balance", CallerIdentity.user(userId, Set.of()))).isEmpty();
    // The client's own credentials stay at the edge.
    assertThat(received.headers().getFirst("Authorization")).isNull();
  }

  @Test
  void anonymousCallsToPublicEndpointsCarryACredentialButNoUser() {
    client.get().uri("/feed?page=1")
        .header("X-User-Id", "admin")
        .exchange()
        .expectStatus().isOk();

    ServiceStandIn.Received received = service("collections").takeRequest();
    assertThat(received.headers().getFirst(IdentityHeaders.USER_ID)).isNull();
    assertThat(credential.verify(received.headers().getFirst(IdentityHeaders.INTERNAL_AUTH),
        "GET", "/feed", CallerIdentity.anonymous())).isEmpty();
    assertThat(credential.verify(received.headers().getFirst(IdentityHeaders.INTERNAL_AUTH),
        "GET", "/feed", CallerIdentity.user("admin", Set.of()))).isPresent();
  }

  @Test
  void credentialCoversThePathTheServiceReceivesOnRewrittenRoutes() {
    client.get().uri("/health/storage").exchange().expectStatus().isOk();

    ServiceStandIn.Received received = service("storage").takeRequest();
    assertThat(credential.verify(received.headers().getFirst(IdentityHeaders.INTERNAL_AUTH),
        "GET", "/actuator/health/readiness", CallerIdentity.anonymous())).isEmpty();
  }

  @Test
  void anonymousCallerCanReadACollectionAndTheServiceDecides() {
    client.get().uri("/collections/c1").exchange().expectStatus().isOk();
    client.get().uri("/collections/c1/public").exchange().expectStatus().isOk();
    client.get().uri("/metadata/c1/1").exchange().expectStatus().isOk();
    client.get().uri("/collections/c1/tokens?page=2").exchange().expectStatus().isOk();

    client.put().uri("/collections/c1/preview").exchange().expectStatus().isUnauthorized();
    client.get().uri("/projects").exchange().expectStatus().isUnauthorized();
  }
}
