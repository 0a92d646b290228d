package io.emprops.gateway.routing;

import static org.assertj.core.api.Assertions.assertThat;

import io.emprops.gateway.support.GatewayIntegrationTest;
import io.emprops.gateway.support.ServiceStandIn;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;

/** Every path of API.md reaches its owning service, unchanged. */
class ServiceRoutingTest extends GatewayIntegrationTest {

  @ParameterizedTest(name = "{0} {1} → {2}")
  @CsvSource({
      "GET,    /projects,                                   collections",
      "POST,   /projects/untitled,                          collections",
      "PUT,    /projects/p1/collections/c1,                 collections",
      "POST,   /projects/collections?project_id=p1,         collections",
      "GET,    /projects/p1/collections/current,            collections",
      "POST,   /projects/p1/collections/c1/receivers,       collections",
      "GET,    /collections?page=1&size=10,                 collections",
      "GET,    /collections/c1,                             collections",
      "GET,    /collections/c1/public,                      collections",
      "POST,   /collections/c1/publish,                     collections",
      "PUT,    /collections/c1/preview,                     collections",
      "POST,   /collections/c1/remix,                       collections",
      "POST,   /collections/custodial/from-template,        collections",
      "GET,    /feed?page=1&size=10,                        collections",
      "POST,   /api/collections/create,                     collections",
      "POST,   /api/collections/generate,                   generator",
      "POST,   /collections/c1/generations,                 generator",
      "GET,    /jobs?status=queued,                         generator",
      "GET,    /jobs/j1,                                    generator",
      "GET,    /jobs/j1/history,                            generator",
      "POST,   /jobs/j1/cancel,                             generator",
      "POST,   /jobs/j1/retry,                              generator",
      "GET,    /jobs/j1/steps,                              generator",
      "POST,   /jobs/j1/complete,                           generator",
      "POST,   /steps/s1/complete,                          generator",
      "GET,    /workflows,                                  generator",
      "POST,   /workflows/w1/test,                          generator",
      "GET,    /workflows/w1/models,                        generator",
      "GET,    /models,                                     generator",
      "POST,   /models/batch,                               generator",
      "GET,    /models/validate-auth?model=sdxl,            generator",
      "GET,    /credits/balance,                            credits",
      "GET,    /credits/history?page=2,                     credits",
      "POST,   /credits/grants,                             credits",
      "POST,   /assets,                                     storage",
      "GET,    /assets?collection_id=c1,                    storage",
      "GET,    /assets/a1/download,                         storage",
      "DELETE, /assets/a1,                                  storage",
      "GET,    /collections/c1/publication,                 publishing",
      "GET,    /collections/c1/tokens?page=2&size=10,       publishing",
      "GET,    /chains,                                     publishing",
      "GET,    /metadata/c1/contract,                       publishing",
      "GET,    /metadata/c1/7,                              publishing",
      "POST,   /webhooks,                                   webhooks",
      "GET,    /webhooks?page=2,                            webhooks",
      "PATCH,  /webhooks/w1,                                webhooks",
      "DELETE, /webhooks/w1,                                webhooks",
      "POST,   /webhooks/w1/rotate-secret,                  webhooks",
      "POST,   /webhooks/w1/test,                           webhooks",
      "GET,    /webhooks/w1/deliveries?status=failed,       webhooks",
      "POST,   /webhooks/w1/deliveries/d1/replay,           webhooks",
  })
  void forwardsEachPathUnchangedToItsService(String method, String uri, String serviceName) {
    client.method(HttpMethod.valueOf(method)).uri(uri)
        .header("Authorization", bearer(token(newUserId())))
        .contentType(MediaType.APPLICATION_JSON)
        .bodyValue("{}")
        .exchange()
        .expectStatus().isOk()
        .expectBody().jsonPath("$.data.service").isEqualTo(serviceName);

    ServiceStandIn.Received received = service(serviceName).takeRequest();
    assertThat(received.method()).isEqualTo(method);
    assertThat(received.uri()).isEqualTo(uri);
  }

  @Test
  void keepsEncodedPathSegmentsAsTheClientSentThem() {
    client.get().uri(java.net.URI.create(gatewayUrl() + "/jobs/a%3Ab%20c"))
        .header("Authorization", bearer(token(newUserId())))
        .exchange()
        .expectStatus().isOk();

    assertThat(service("generator").takeRequest().rawPath()).isEqualTo("/jobs/a%3Ab%20c");
  }

  @Test
  void refusesEncodedSlashesInTheEnvelope() {
    client.get().uri(java.net.URI.create(gatewayUrl() + "/jobs/a%2F..%2Fcredits"))
        .header("Authorization", bearer(token(newUserId())))
        .exchange()
        .expectStatus().isBadRequest()
        .expectBody().jsonPath("$.code").isEqualTo("VALIDATION_FAILED");

    assertNothingForwardedTo("generator");
  }

  @ParameterizedTest
  @CsvSource({"collections", "credits", "generator", "publishing", "storage", "webhooks"})
  void healthOfEachServiceIsPublicAndAsksItsReadiness(String serviceName) {
    client.get().uri("/health/" + serviceName)
        .exchange()
        .expectStatus().isOk()
        .expectBody().jsonPath("$.status").isEqualTo("UP");

    assertThat(service(serviceName).takeRequest().rawPath()).isEqualTo("/actuator/health/readiness");
  }

  @Test
  void unknownPathIsA404InTheEnvelope() {
    client.get().uri("/no-such-thing")
        .header("Authorization", bearer(token(newUserId())))
        .exchange()
        .expectStatus().isNotFound()
        .expectBody()
        .jsonPath("$.data").isEmpty()
        .jsonPath("$.code").isEqualTo("NOT_FOUND")
        .jsonPath("$.error").isNotEmpty();
  }

  @Test
  void ownHealthProbesAndMetricsAreServed() {
    client.get().uri("/actuator/health/liveness").exchange().expectStatus().isOk();
    client.get().uri("/actuator/health/readiness").exchange().expectStatus().isOk();
    client.get().uri("/actuator/prometheus").exchange()
        .expectStatus().isOk()
        .expectBody(String.class).value(body -> assertThat(body).contains("jvm_memory_used_bytes"));
  }
}
