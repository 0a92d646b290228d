package io.emprops.gateway.security.servicekeys;

import static org.assertj.core.api.Assertions.assertThat;

import io.emprops.gateway.ratelimit.RateLimitFilter;
import io.emprops.gateway.security.apikeys.ApiKeyAuthentication;
import io.emprops.gateway.support.GatewayIntegrationTest;
import io.emprops.gateway.support.ServiceStandIn;
import io.emprops.localstack.launcher.AppProperties;
import io.emprops.web.identity.CallerIdentity;
import io.emprops.web.identity.IdentityHeaders;
import io.emprops.web.identity.InternalCredential;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;

/**
 * The job queue's service identity: its key (as the local stack generates it, the gateway holding
 * only the SHA-256) sent as a bearer token, the way the queue's API sends its EMPROPS_API_KEY,
 * reaches the generator as role job-queue on the call-back paths; nothing else grants that role.
 */
class ServiceKeyTest extends GatewayIntegrationTest {

  private final InternalCredential credential = new InternalCredential(internalSecret());
  private final String queueKey = AppProperties.jobQueueKey(infrastructure());

  @Test
  void theQueuesKeyIsTheJobQueueServiceOnEveryCallBackPath() {
    for (String[] call : List.of(new String[] {"GET", "/jobs/j1"}, new String[] {"GET", "/jobs/j1/steps"},
        new String[] {"POST", "/steps/s1/complete"}, new String[] {"POST", "/jobs/j1/complete"})) {
      var request = "GET".equals(call[0]) ? client.get().uri(call[1])
          : client.post().uri(call[1]).contentType(MediaType.APPLICATION_JSON)
              .bodyValue(Map.of("output_data", Map.of("image_url", "https://forged.test/x.png"), "job_queue_recovery", true));
      request.header("Authorization", "Bearer " + queueKey)
          .exchange()
          .expectStatus().isOk()
          // The queue's calls follow every user's jobs together: no per-user limit applies.
          .expectHeader().doesNotExist(RateLimitFilter.LIMIT_HEADER);

      ServiceStandIn.Received received = service("generator").takeRequest();
      assertThat(received.rawPath()).isEqualTo(call[1]);
      assertThat(received.headers().getFirst(IdentityHeaders.USER_ID)).isEqualTo("service:job-queue");
      assertThat(received.headers().getFirst(IdentityHeaders.USER_ROLES)).isEqualTo(CallerIdentity.JOB_QUEUE_ROLE);
      assertThat(received.headers().getFirst("Authorization")).as("the key stays at the edge").isNull();
      assertThat(credential.verify(received.headers().getFirst(IdentityHeaders.INTERNAL_AUTH), call[0], call[1],
          CallerIdentity.user("service:job-queue", Set.of(CallerIdentity.JOB_QUEUE_ROLE)))).isEmpty();
    }
  }

  @Test
  void anotherServiceKeyIsRefusedAndNeverForwarded() {
    String forged = queueKey.substring(0, queueKey.length() - 2) + (queueKey.endsWith("AA") ? "BB" : "AA");
    for (String presented : List.of(forged, "emps_short", "emps_" + "x".repeat(43))) {
      client.get().uri("/jobs/j1").header("Authorization", "Bearer " + presented)
          .exchange()
          .expectStatus().isUnauthorized()
          .expectBody().jsonPath("$.code").isEqualTo("UNAUTHORIZED");
    }
    assertNothingForwardedTo("generator");
  }

  @Test
  void aUsersTokenOrKeyNeverCarriesTheServiceRole() {
    String userId = newUserId();
    String token = bearer(token(userId, List.of("user", CallerIdentity.JOB_QUEUE_ROLE)));
    client.get().uri("/jobs/j1/steps").header("Authorization", token).exchange().expectStatus().isOk();
    assertThat(service("generator").takeRequest().headers().getFirst(IdentityHeaders.USER_ROLES)).isEqualTo("user");

    @SuppressWarnings("unchecked")
    Map<String, Object> created = (Map<String, Object>) client.post().uri("/api-keys").header("Authorization", token)
        .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("name", "escalation attempt"))
        .exchange().expectStatus().isCreated()
        .expectBody(Map.class).returnResult().getResponseBody().get("data");
    client.post().uri("/steps/s1/complete").header(ApiKeyAuthentication.HEADER, (String) created.get("key"))
        .exchange().expectStatus().isOk();
    ServiceStandIn.Received received = service("generator").takeRequest();
    assertThat(received.headers().getFirst(IdentityHeaders.USER_ID)).isEqualTo(userId);
    assertThat(received.headers().getFirst(IdentityHeaders.USER_ROLES)).isEqualTo("user");
  }

  @Test
  void theServiceKeyCannotManageApiKeys() {
    client.post().uri("/api-keys").header("Authorization", "Bearer " + queueKey)
        .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("name", "from the queue"))
        .exchange().expectStatus().isForbidden();
  }
}
