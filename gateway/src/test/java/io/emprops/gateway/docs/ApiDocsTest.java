package io.emprops.gateway.docs;

import io.emprops.gateway.support.GatewayIntegrationTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Each service's OpenAPI document and one UI listing them all, without credentials. */
class ApiDocsTest extends GatewayIntegrationTest {

  @ParameterizedTest
  @ValueSource(strings = {"collections", "credits", "generator", "publishing", "storage", "webhooks"})
  void eachServiceDocumentIsServedThroughTheGateway(String serviceName) {
    client.get().uri("/v3/api-docs/" + serviceName).exchange()
        .expectStatus().isOk()
        .expectBody().jsonPath("$.info.title").isEqualTo(serviceName);
  }

  @Test
  void oneDocumentMergesEveryService() {
    client.get().uri("/v3/api-docs").exchange()
        .expectStatus().isOk()
        .expectBody()
        .jsonPath("$.info.title").isEqualTo("EmProps API")
        .jsonPath("$.paths['/collections-only']").exists()
        .jsonPath("$.paths['/generator-only']").exists()
        .jsonPath("$.paths['/storage-only']").exists()
        .jsonPath("$.x-services.credits").isEqualTo("available");
  }

  @Test
  void uiListsEveryServiceDocument() {
    client.get().uri("/docs").exchange().expectStatus().is3xxRedirection();
    client.get().uri("/v3/api-docs/gateway/swagger-config").exchange()
        .expectStatus().isOk()
        .expectBody()
        .jsonPath("$.urls[?(@.name == 'collections')].url").isEqualTo("/v3/api-docs/collections")
        .jsonPath("$.urls[?(@.name == 'storage')].url").isEqualTo("/v3/api-docs/storage");
  }

  @Test
  void gatewayDocumentDescribesTheApiKeyEndpoints() {
    client.get().uri("/v3/api-docs/gateway").exchange()
        .expectStatus().isOk()
        .expectBody().jsonPath("$.paths['/api-keys']").exists();
  }
}
