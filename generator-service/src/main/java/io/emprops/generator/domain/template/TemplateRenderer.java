package io.emprops.generator.domain.template;

import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Replaces {@code {{name}}} placeholders in every string of a JSON document, at any depth. A
 * string that is exactly one placeholder takes the value's JSON type ({@code "{{steps}}"} → 30);
 * a placeholder inside text is replaced by the value's text. Keys are never rewritten.
 */
public final class TemplateRenderer {

  private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{\\s*([A-Za-z_][A-Za-z0-9_]*)\\s*}}");

  private TemplateRenderer() {}

  /** The rendered copy (the template is untouched) and the placeholders that had no value. */
  public record Rendered(JsonNode document, Set<String> missing) {}

  public static Rendered render(JsonNode template, Map<String, JsonNode> values) {
    Set<String> missing = new LinkedHashSet<>();
    return new Rendered(render(template, values, missing), missing);
  }

  /** The placeholder names a template uses. */
  public static Set<String> placeholders(JsonNode template) {
    Set<String> names = new LinkedHashSet<>();
    collect(template, names);
    return names;
  }

  private static JsonNode render(JsonNode node, Map<String, JsonNode> values, Set<String> missing) {
    if (node.isObject()) {
      ObjectNode copy = JsonNodeFactory.instance.objectNode();
      node.properties().forEach(e -> copy.set(e.getKey(), render(e.getValue(), values, missing)));
      return copy;
    }
    if (node.isArray()) {
      ArrayNode copy = JsonNodeFactory.instance.arrayNode();
      node.forEach(element -> copy.add(render(element, values, missing)));
      return copy;
    }
    if (!node.isString()) {
      return node;
    }
    String text = node.asString();
    Matcher whole = PLACEHOLDER.matcher(text);
    if (whole.matches()) {
      JsonNode value = values.get(whole.group(1));
      if (value == null) {
        missing.add(whole.group(1));
        return node;
      }
      return value;
    }
    Matcher m = PLACEHOLDER.matcher(text);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      JsonNode value = values.get(m.group(1));
      if (value == null) {
        missing.add(m.group(1));
        m.appendReplacement(out, Matcher.quoteReplacement(m.group()));
      } else {
        m.appendReplacement(out, Matcher.quoteReplacement(value.isString() ? value.asString() : value.toString()));
      }
    }
    m.appendTail(out);
    return JsonNodeFactory.instance.stringNode(out.toString());
  }

  private static void collect(JsonNode node, Set<String> names) {
    if (node.isObject() || node.isArray()) {
      node.forEach(child -> collect(child, names));
    } else if (node.isString()) {
      Matcher m = PLACEHOLDER.matcher(node.asString());
      while (m.find()) {
        names.add(m.group(1));
      }
    }
  }
}
