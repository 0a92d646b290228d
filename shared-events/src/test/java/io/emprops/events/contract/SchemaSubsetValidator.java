package io.emprops.events.contract;

import java.math.BigInteger;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Checks a JSON value (plain maps, lists, strings, numbers, booleans, nulls) against the subset of
 * JSON Schema that {@link AsyncApiDocument} writes: {@code type} (one or a list), {@code required},
 * {@code properties}, {@code items}, {@code enum}, {@code pattern} and the formats {@code uuid},
 * {@code date-time}, {@code int32}, {@code int64}. A keyword outside the subset is an error, so the
 * document cannot grow one this check silently ignores.
 *
 * <p>Stricter than the schema on one point, on purpose: an object schema with {@code properties}
 * rejects a property it does not list. The document leaves extra fields open (contracts grow), but
 * in a golden file an unlisted field is a renamed or removed component.
 */
final class SchemaSubsetValidator {

  private static final List<String> KEYWORDS =
      List.of("type", "title", "description", "required", "properties", "items", "enum", "format", "pattern");

  private SchemaSubsetValidator() {}

  /** The violations, each with its JSON path; empty when the value fits. */
  static List<String> violations(Object value, Map<String, Object> schema) {
    List<String> violations = new ArrayList<>();
    check("$", value, schema, violations);
    return violations;
  }

  @SuppressWarnings("unchecked")
  private static void check(String path, Object value, Map<String, Object> schema, List<String> violations) {
    for (String keyword : schema.keySet()) {
      if (!KEYWORDS.contains(keyword)) {
        throw new IllegalArgumentException(path + ": keyword '" + keyword + "' is outside the validated subset");
      }
    }
    List<String> types = schema.get("type") instanceof List<?> list ? (List<String>) list : List.of((String) schema.get("type"));
    String actual = typeOf(value);
    if (types.stream().noneMatch(type -> type.equals(actual) || (type.equals("number") && actual.equals("integer")))) {
      violations.add(path + ": " + actual + " where the schema says " + types);
      return;
    }
    if (schema.get("enum") instanceof List<?> values && !values.contains(value)) {
      violations.add(path + ": " + value + " is not one of " + values);
    }
    if (value instanceof String text) {
      checkString(path, text, schema, violations);
    }
    if (value instanceof Number number && schema.get("format") instanceof String format) {
      checkIntegerRange(path, number, format, violations);
    }
    if (value instanceof Map<?, ?> object && schema.get("properties") instanceof Map<?, ?> properties) {
      for (Object required : (List<?>) schema.getOrDefault("required", List.of())) {
        if (!object.containsKey(required)) {
          violations.add(path + ": required property '" + required + "' is missing");
        }
      }
      object.forEach((name, propertyValue) -> {
        Object propertySchema = properties.get(name);
        if (propertySchema == null) {
          violations.add(path + ": property '" + name + "' is not in the schema");
        } else {
          check(path + "." + name, propertyValue, (Map<String, Object>) propertySchema, violations);
        }
      });
    }
    if (value instanceof List<?> items && schema.get("items") instanceof Map<?, ?> itemSchema) {
      for (int i = 0; i < items.size(); i++) {
        check(path + "[" + i + "]", items.get(i), (Map<String, Object>) itemSchema, violations);
      }
    }
  }

  private static void checkString(String path, String text, Map<String, Object> schema, List<String> violations) {
    if (schema.get("pattern") instanceof String pattern && !Pattern.compile(pattern).matcher(text).find()) {
      violations.add(path + ": '" + text + "' does not match " + pattern);
    }
    String format = (String) schema.get("format");
    if ("uuid".equals(format)) {
      try {
        // UUID.fromString accepts short groups; a canonical UUID reads back as itself.
        if (!UUID.fromString(text).toString().equalsIgnoreCase(text)) {
          violations.add(path + ": '" + text + "' is not a canonical uuid");
        }
      } catch (IllegalArgumentException e) {
        violations.add(path + ": '" + text + "' is not a uuid");
      }
    } else if ("date-time".equals(format)) {
      try {
        Instant.parse(text);
      } catch (DateTimeParseException e) {
        violations.add(path + ": '" + text + "' is not a date-time");
      }
    } else if (format != null) {
      throw new IllegalArgumentException(path + ": string format '" + format + "' is outside the validated subset");
    }
  }

  private static void checkIntegerRange(String path, Number number, String format, List<String> violations) {
    BigInteger value = new BigInteger(number.toString());
    BigInteger min = BigInteger.valueOf(format.equals("int32") ? Integer.MIN_VALUE : Long.MIN_VALUE);
    BigInteger max = BigInteger.valueOf(format.equals("int32") ? Integer.MAX_VALUE : Long.MAX_VALUE);
    if (!format.equals("int32") && !format.equals("int64")) {
      throw new IllegalArgumentException(path + ": number format '" + format + "' is outside the validated subset");
    }
    if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
      violations.add(path + ": " + number + " is out of " + format);
    }
  }

  private static String typeOf(Object value) {
    return switch (value) {
      case null -> "null";
      case String ignored -> "string";
      case Boolean ignored -> "boolean";
      case Integer ignored -> "integer";
      case Long ignored -> "integer";
      case BigInteger ignored -> "integer";
      case Number ignored -> "number";
      case Map<?, ?> ignored -> "object";
      case List<?> ignored -> "array";
      default -> throw new IllegalArgumentException("not a JSON value: " + value.getClass());
    };
  }
}
