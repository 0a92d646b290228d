package io.emprops.e2e.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.MissingNode;

/** Reads the gateway's merged OpenAPI document: its operations and their schemas. */
public final class OpenApiDocument {

  private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "patch");

  /** One documented operation. */
  public record Operation(String method, String path, JsonNode definition) {

    public List<JsonNode> parameters(String in) {
      List<JsonNode> found = new ArrayList<>();
      definition.path("parameters").forEach(p -> {
        if (in.equals(p.path("in").asString())) {
          found.add(p);
        }
      });
      return found;
    }

    public Optional<String> requestContentType() {
      return definition.path("requestBody").path("content").propertyNames().stream().findFirst();
    }

    @Override
    public String toString() {
      return method.toUpperCase() + " " + path;
    }
  }

  private final JsonNode document;

  public OpenApiDocument(JsonNode document) {
    this.document = document;
  }

  public JsonNode raw() {
    return document;
  }

  public List<Operation> operations() {
    List<Operation> operations = new ArrayList<>();
    document.path("paths").properties().forEach(path -> path.getValue().properties().forEach(op -> {
      if (METHODS.contains(op.getKey())) {
        operations.add(new Operation(op.getKey(), path.getKey(), op.getValue()));
      }
    }));
    return operations;
  }

  /** The schema of the operation's JSON request body, if it takes one. */
  public Optional<JsonNode> requestSchema(Operation operation) {
    JsonNode content = operation.definition().path("requestBody").path("content");
    return content.properties().stream()
        .filter(e -> e.getKey().contains("json"))
        .map(e -> resolve(e.getValue().path("schema")))
        .findFirst();
  }

  /** The documented JSON schema of a response with this status (or its class, or "default"). */
  public Optional<JsonNode> responseSchema(Operation operation, int status) {
    JsonNode responses = operation.definition().path("responses");
    JsonNode response = responses.path(Integer.toString(status));
    if (response.isMissingNode()) {
      response = responses.path(status / 100 + "XX");
    }
    if (response.isMissingNode()) {
      response = responses.path("default");
    }
    return response.path("content").properties().stream()
        .filter(e -> e.getKey().contains("json") || e.getKey().equals("*/*"))
        .map(e -> e.getValue().path("schema"))
        .filter(schema -> !schema.isMissingNode())
        .findFirst();
  }

  /** Follows a {@code $ref} into the components (once per level; refs of refs are followed too). */
  public JsonNode resolve(JsonNode schema) {
    JsonNode current = schema;
    for (int depth = 0; depth < 10 && current.has("$ref"); depth++) {
      String ref = current.get("$ref").asString();
      if (!ref.startsWith("#/")) {
        return MissingNode.getInstance();
      }
      JsonNode target = document;
      for (String part : ref.substring(2).split("/")) {
        target = target.path(part.replace("~1", "/").replace("~0", "~"));
      }
      current = target;
    }
    return current;
  }
}
