package io.emprops.gateway.docs;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.databind.node.StringNode;

/**
 * Merges the services' OpenAPI documents into the one the gateway serves at {@code /v3/api-docs}.
 * Paths are disjoint by design (API.md gives each path one service); an operation without tags
 * is tagged with its service, so the UI groups it. Components keep their names unless two
 * services define the same name differently: then each service's copy is renamed
 * {@code <service>.<Name>} and that service's {@code $ref}s follow.
 */
final class OpenApiMerger {

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "options", "head", "patch", "trace");

  private OpenApiMerger() {}

  /**
   * @param documents each available service's document, by service name, in display order
   * @param unavailable services whose document could not be read (listed in {@code x-services})
   */
  static ObjectNode merge(Map<String, JsonNode> documents, List<String> unavailable) {
    Map<String, Map<String, String>> renames = collidingComponents(documents);
    ObjectNode merged = NODES.objectNode();
    merged.put("openapi", "3.1.0");
    merged.putObject("info")
        .put("title", "EmProps API")
        .put("version", "1")
        .put("description", "Every service behind the gateway. Per service: /v3/api-docs/{service}.");
    merged.putArray("servers").addObject().put("url", "/");
    ObjectNode paths = merged.putObject("paths");
    // OpenAPI 3.1: the requests the suite sends to its users (webhook payloads), by event type.
    ObjectNode webhooks = merged.putObject("webhooks");
    ObjectNode components = merged.putObject("components");
    ArrayNode tags = merged.putArray("tags");
    ObjectNode services = merged.putObject("x-services");
    Set<String> tagNames = new java.util.HashSet<>();
    documents.forEach((service, original) -> {
      JsonNode document = rewriteRefs(original, renames.getOrDefault(service, Map.of()));
      services.put(service, "available");
      if (tagNames.add(service)) {
        tags.addObject().put("name", service).put("description", service + "-service");
      }
      if (!merged.has("security") && document.path("security").isArray()) {
        merged.set("security", document.get("security")); // every service sends the same schemes
      }
      document.path("tags").forEach(tag -> {
        if (tagNames.add(tag.path("name").asString(""))) {
          tags.add(tag);
        }
      });
      document.path("paths").properties().forEach(path -> {
        ObjectNode item = paths.has(path.getKey()) ? (ObjectNode) paths.get(path.getKey()) : paths.putObject(path.getKey());
        path.getValue().properties().forEach(operation -> {
          if (item.has(operation.getKey())) {
            return; // the first service to define an operation keeps it
          }
          JsonNode value = operation.getValue();
          if (METHODS.contains(operation.getKey()) && value.isObject() && !value.has("tags")) {
            value = ((ObjectNode) value.deepCopy()).set("tags", NODES.arrayNode().add(service));
          }
          item.set(operation.getKey(), value);
        });
      });
      document.path("webhooks").properties().forEach(webhook -> webhooks.set(webhook.getKey(), webhook.getValue()));
      document.path("components").properties().forEach(kind -> {
        ObjectNode target = components.has(kind.getKey())
            ? (ObjectNode) components.get(kind.getKey()) : components.putObject(kind.getKey());
        kind.getValue().properties().forEach(component -> {
          String name = renames.getOrDefault(service, Map.of())
              .getOrDefault(kind.getKey() + "/" + component.getKey(), component.getKey());
          target.set(name, component.getValue());
        });
      });
    });
    unavailable.forEach(service -> services.put(service, "unavailable"));
    return merged;
  }

  /** Per service, {@code kind/Name} → its new name, for names two services define differently. */
  private static Map<String, Map<String, String>> collidingComponents(Map<String, JsonNode> documents) {
    Map<String, Map<String, JsonNode>> definitions = new LinkedHashMap<>();
    documents.forEach((service, document) -> document.path("components").properties().forEach(kind ->
        kind.getValue().properties().forEach(component -> definitions
            .computeIfAbsent(kind.getKey() + "/" + component.getKey(), k -> new LinkedHashMap<>())
            .put(service, component.getValue()))));
    Map<String, Map<String, String>> renames = new HashMap<>();
    definitions.forEach((key, byService) -> {
      boolean differ = byService.values().stream().distinct().count() > 1;
      if (differ) {
        String name = key.substring(key.indexOf('/') + 1);
        byService.keySet().forEach(service ->
            renames.computeIfAbsent(service, s -> new HashMap<>()).put(key, service + "." + name));
      }
    });
    return renames;
  }

  /** A copy of {@code node} whose {@code $ref}s to renamed components point at the new names. */
  private static JsonNode rewriteRefs(JsonNode node, Map<String, String> renames) {
    if (renames.isEmpty()) {
      return node;
    }
    if (node.isObject()) {
      ObjectNode copy = NODES.objectNode();
      node.properties().forEach(e -> {
        JsonNode value = e.getValue();
        if (e.getKey().equals("$ref") && value.isString() && value.asString().startsWith("#/components/")) {
          String key = value.asString().substring("#/components/".length());
          String renamed = renames.get(key);
          copy.set("$ref", renamed == null ? value
              : StringNode.valueOf("#/components/" + key.substring(0, key.indexOf('/') + 1) + renamed));
        } else {
          copy.set(e.getKey(), rewriteRefs(value, renames));
        }
      });
      return copy;
    }
    if (node.isArray()) {
      ArrayNode copy = NODES.arrayNode();
      node.forEach(e -> copy.add(rewriteRefs(e, renames)));
      return copy;
    }
    return node;
  }
}
