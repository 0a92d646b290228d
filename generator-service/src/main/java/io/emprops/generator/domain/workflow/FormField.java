package io.emprops.generator.domain.workflow;

import java.util.List;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * An input of a workflow, as declared in its {@code data.fields}: what a caller may (or must)
 * pass, and what the value is coerced to before it is placed in the template.
 *
 * @param type {@code text}, {@code number}, {@code integer}, {@code boolean}, {@code select} or {@code image} (a URL)
 */
public record FormField(
    String name, String type, boolean required, JsonNode defaultValue, List<String> options,
    Double min, Double max, Integer maxLength, String description) {

  public static final List<String> TYPES = List.of("text", "number", "integer", "boolean", "select", "image");

  /** The value to render: the caller's (validated and coerced) or the default. */
  public Optional<JsonNode> resolve(JsonNode given, List<String> errors) {
    if (given == null || given.isNull()) {
      if (required && (defaultValue == null || defaultValue.isNull())) {
        errors.add("is required");
        return Optional.empty();
      }
      return Optional.ofNullable(defaultValue).filter(v -> !v.isNull());
    }
    JsonNodeFactory nodes = JsonNodeFactory.instance;
    switch (type) {
      case "text", "image" -> {
        if (!given.isString()) {
          errors.add("must be a string");
          return Optional.empty();
        }
        String text = given.asString();
        if (maxLength != null && text.length() > maxLength) {
          errors.add("must be at most " + maxLength + " characters");
        }
        if (type.equals("image") && !(text.startsWith("https://") || text.startsWith("http://"))) {
          errors.add("must be an http(s) URL");
        }
        return errors.isEmpty() ? Optional.of(nodes.stringNode(text)) : Optional.empty();
      }
      case "number", "integer" -> {
        if (!given.isNumber()) {
          errors.add("must be a number");
          return Optional.empty();
        }
        double value = given.asDouble();
        if (type.equals("integer") && value != Math.rint(value)) {
          errors.add("must be a whole number");
        }
        if (min != null && value < min) {
          errors.add("must be at least " + format(min));
        }
        if (max != null && value > max) {
          errors.add("must be at most " + format(max));
        }
        if (!errors.isEmpty()) {
          return Optional.empty();
        }
        return Optional.of(type.equals("integer") ? nodes.numberNode((long) value) : given);
      }
      case "boolean" -> {
        if (!given.isBoolean()) {
          errors.add("must be true or false");
          return Optional.empty();
        }
        return Optional.of(given);
      }
      case "select" -> {
        if (!given.isString() || !options.contains(given.asString())) {
          errors.add("must be one of: " + String.join(", ", options));
          return Optional.empty();
        }
        return Optional.of(given);
      }
      default -> throw new IllegalStateException("unvalidated field type " + type);
    }
  }

  private static String format(double d) {
    return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
  }
}
