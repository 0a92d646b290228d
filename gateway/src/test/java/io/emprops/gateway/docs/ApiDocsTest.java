package io.emprops.gateway.docs;

import static org.assertj.core.api.Assertions.assertThat;

import io.emprops.gateway.support.GatewayIntegrationTest;
import io.emprops.gateway.support.ServiceStandIn;
import java.net.URI;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Each service's OpenAPI document, one merging them with the gateway's own, and the browsable
 * UI — all without credentials, and listing only what the gateway routes.
 */
class ApiDocsTest extends GatewayIntegrationTest {

  @ParameterizedTest
  @ValueSource(strings = {"collections", "credits", "generator", "publishing", "storage", "webhooks"})
  void eachServiceDocumentIsServedWithOnlyThePathsRoutedToIt(String serviceName) {
    client.get().uri("/v3/api-docs/" + serviceName).exchange()
        .expectStatus().isOk()
        .expectBody()
        .jsonPath("$.info.title").isEqualTo(serviceName)
        .jsonPath("$.paths['" + ServiceStandIn.ROUTED_DOCUMENTED_PATH.get(serviceName) + "']").exists()
        .jsonPath("$.paths['/" + serviceName + "-only']").doesNotExist();
  }

  @Test
  void anUnknownDocumentIsA404InTheEnvelope() {
    client.get().uri("/v3/api-docs/nothing").exchange()
        .expectStatus().isNotFound()
        .expectBody().jsonPath("$.code").isEqualTo("NOT_FOUND");
  }

  @Test
  void oneDocumentMergesEveryServiceAndTheGatewayWithItsCredentialSchemes() {
    client.get().uri("/v3/api-docs").exchange()
        .expectStatus().isOk()
        .expectBody()
        .jsonPath("$.info.title").isEqualTo("EmProps API")
        .jsonPath("$.paths['/projects/{id}']").exists()
        .jsonPath("$.paths['/jobs/{id}']").exists()
        .jsonPath("$.paths['/assets/{id}']").exists()
        .jsonPath("$.paths['/collections-only']").doesNotExist()
        .jsonPath("$.paths['/api-keys']").exists()
        .jsonPath("$.paths['/v3/api-docs']").doesNotExist()
        .jsonPath("$.components.securitySchemes.bearer.scheme").isEqualTo("bearer")
        .jsonPath("$.components.securitySchemes.api_key.name").isEqualTo("X-API-Key")
        .jsonPath("$.security").isArray()
        .jsonPath("$.x-services.credits").isEqualTo("available")
        .jsonPath("$.x-services.gateway").isEqualTo("available");
  }

  @Test
  void theBrowsableUiOpensWithoutAToken() {
    URI page = client.get().uri("/docs").exchange()
        .expectStatus().is3xxRedirection()
        .returnResult(String.class).getResponseHeaders().getLocation();
    assertThat(page).isNotNull();
    client.get().uri(page.toString()).exchange()
        .expectStatus().isOk()
        .expectHeader().contentTypeCompatibleWith("text/html");
    client.get().uri("/v3/api-docs/gateway/swagger-config").exchange()
        .expectStatus().isOk()
        .expectBody()
        .jsonPath("$.urls[?(@.name == 'collections')].url").isEqualTo("/v3/api-docs/collections")
        .jsonPath("$.urls[?(@.name == 'storage')].url").isEqualTo("/v3/api-docs/storage");
  }

  @Test
  void gatewayDocumentDescribesTheApiKeyEndpointsInSnakeCase() {
    client.get().uri("/v3/api-docs/gateway").exchange()
        .expectStatus().isOk()
        .expectBody()
        .jsonPath("$.paths['/api-keys'].post").exists()
        .jsonPath("$.paths['/v3/api-docs']").doesNotExist();
  }
}
