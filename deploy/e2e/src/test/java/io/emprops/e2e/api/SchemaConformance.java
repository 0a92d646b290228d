package io.emprops.e2e.api;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * Checks a real JSON value against its documented OpenAPI 3.1 schema, strictly where it matters
 * for a client: every property the wire carries must be documented under that exact name (so a
 * camelCase document against a snake_case wire fails), documented required properties must be
 * there, and each value must have a documented type. Composite schemas (oneOf/anyOf) pass when
 * one branch does; a schema without a type accepts any value.
 */
public final class SchemaConformance {

  private final OpenApiDocument document;

  public SchemaConformance(OpenApiDocument document) {
    this.document = document;
  }

  /** The mismatches between {@code value} and {@code schema}, each naming its JSON path. */
  public List<String> mismatches(JsonNode value, JsonNode schema) {
    List<String> found = new ArrayList<>();
    check(value, schema, "$", found, 0);
    return found;
  }

  private void check(JsonNode value, JsonNode rawSchema, String path, List<String> found, int depth) {
    if (depth > 40) {
      return;
    }
    JsonNode schema = document.resolve(rawSchema);
    if (schema.isMissingNode() || schema.isBoolean() && schema.asBoolean()) {
      return;
    }
    for (String composite : List.of("oneOf", "anyOf")) {
      if (schema.has(composite)) {
        boolean any = false;
        for (JsonNode branch : schema.get(composite)) {
          List<String> inner = new ArrayList<>();
          check(value, branch, path, inner, depth + 1);
          any |= inner.isEmpty();
        }
        if (!any) {
          found.add(path + ": matches no branch of " + composite);
        }
        return;
      }
    }
    if (schema.has("allOf")) {
      schema.get("allOf").forEach(part -> check(value, part, path, found, depth + 1));
    }
    Set<String> types = types(schema);
    if (value.isNull()) {
      // springdoc marks no field nullable; a client must expect null for any field the envelope
      // leaves empty (data on an error, error on a success, optional fields), so null passes.
      return;
    }
    if (!types.isEmpty() && !types.contains(typeOf(value))
        && !(types.contains("number") && "integer".equals(typeOf(value)))) {
      found.add(path + ": is " + typeOf(value) + ", documented " + types);
      return;
    }
    if (value.isObject()) {
      JsonNode properties = schema.path("properties");
      boolean open = !properties.isObject() || schema.path("additionalProperties").isObject()
          || schema.path("additionalProperties").asBoolean(false);
      Set<String> documented = new HashSet<>(properties.propertyNames());
      value.properties().forEach(property -> {
        if (documented.contains(property.getKey())) {
          check(property.getValue(), properties.get(property.getKey()), path + "." + property.getKey(), found, depth + 1);
        } else if (schema.path("additionalProperties").isObject()) {
          check(property.getValue(), schema.get("additionalProperties"), path + "." + property.getKey(), found, depth + 1);
        } else if (!open) {
          found.add(path + "." + property.getKey() + ": on the wire, not documented (documented: " + documented + ")");
        }
      });
      schema.path("required").forEach(required -> {
        if (!value.has(required.asString())) {
          found.add(path + "." + required.asString() + ": documented as required, absent");
        }
      });
    } else if (value.isArray() && schema.has("items")) {
      int index = 0;
      for (JsonNode item : value) {
        check(item, schema.get("items"), path + "[" + index++ + "]", found, depth + 1);
        if (index >= 20) {
          break; // a long page repeats one item schema
        }
      }
    }
  }

  private static Set<String> types(JsonNode schema) {
    Set<String> types = new HashSet<>();
    JsonNode type = schema.path("type");
    if (type.isString()) {
      types.add(type.asString());
    } else if (type.isArray()) {
      type.forEach(t -> types.add(t.asString()));
    } else if (schema.has("properties")) {
      types.add("object");
    }
    return types;
  }

  private static String typeOf(JsonNode value) {
    if (value.isObject()) {
      return "object";
    }
    if (value.isArray()) {
      return "array";
    }
    if (value.isString()) {
      return "string";
    }
    if (value.isBoolean()) {
      return "boolean";
    }
    if (value.isIntegralNumber()) {
      return "integer";
    }
    if (value.isNumber()) {
      return "number";
    }
    return "null";
  }
}
