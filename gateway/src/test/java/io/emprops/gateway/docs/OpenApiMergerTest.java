package io.emprops.gateway.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

class OpenApiMergerTest {

  private final JsonMapper json = JsonMapper.builder().build();

  private JsonNode document(String path, String schemaName, String schemaType) {
    return json.readTree("""
        {"openapi": "3.1.0", "info": {"title": "x", "version": "1"},
         "paths": {"%s": {"get": {"responses": {"200": {"content": {"application/json":
            {"schema": {"$ref": "#/components/schemas/%s"}}}}}}}},
         "components": {"schemas": {"%s": {"type": "%s"}, "Shared": {"type": "string"}}}}"""
        .formatted(path, schemaName, schemaName, schemaType));
  }

  @Test
  void pathsAreUnitedAndTaggedWithTheirService() {
    Map<String, JsonNode> documents = new LinkedHashMap<>();
    documents.put("credits", document("/credits/balance", "Balance", "object"));
    documents.put("generator", document("/jobs", "Job", "object"));
    ObjectNode merged = OpenApiMerger.merge(documents, List.of("storage"));

    assertThat(merged.get("info").get("title").asString()).isEqualTo("EmProps API");
    assertThat(merged.get("paths").get("/credits/balance").get("get").get("tags").get(0).asString()).isEqualTo("credits");
    assertThat(merged.get("paths").get("/jobs").get("get").get("tags").get(0).asString()).isEqualTo("generator");
    assertThat(merged.get("components").get("schemas").has("Balance")).isTrue();
    assertThat(merged.get("components").get("schemas").has("Shared")).as("identical definitions stay shared").isTrue();
    assertThat(merged.get("x-services").get("storage").asString()).isEqualTo("unavailable");
    assertThat(merged.get("x-services").get("credits").asString()).isEqualTo("available");
  }

  @Test
  void componentsTwoServicesDefineDifferentlyAreRenamedWithTheirRefs() {
    Map<String, JsonNode> documents = new LinkedHashMap<>();
    documents.put("collections", document("/collections/{id}", "View", "object"));
    documents.put("generator", document("/jobs/{id}", "View", "array"));
    ObjectNode merged = OpenApiMerger.merge(documents, List.of());

    JsonNode schemas = merged.get("components").get("schemas");
    assertThat(schemas.has("View")).isFalse();
    assertThat(schemas.get("collections.View").get("type").asString()).isEqualTo("object");
    assertThat(schemas.get("generator.View").get("type").asString()).isEqualTo("array");
    assertThat(merged.get("paths").get("/jobs/{id}").get("get").findValue("$ref").asString())
        .isEqualTo("#/components/schemas/generator.View");
    assertThat(merged.get("paths").get("/collections/{id}").get("get").findValue("$ref").asString())
        .isEqualTo("#/components/schemas/collections.View");
  }
}
