package io.emprops.generator.domain.fetch;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/**
 * A small, safe subset of JSONPath that names one value in a document: {@code $} followed by any
 * chain of {@code .name}, {@code ['name']} (or {@code ["name"]}, with {@code \} escaping the quote
 * or itself) and {@code [index]} (a non-negative array index), e.g. {@code $.data[0].url}.
 * Filters, wildcards, slices, recursive descent and scripts are deliberately not supported: a path
 * comes from a workflow author and must never do more than walk down the response.
 */
public final class JsonPath {

  private sealed interface Step permits Field, Index {}

  private record Field(String name) implements Step {}

  private record Index(int index) implements Step {}

  private final String expression;
  private final List<Step> steps;

  private JsonPath(String expression, List<Step> steps) {
    this.expression = expression;
    this.steps = steps;
  }

  /**
   * Parses a path once so that it can be read many times.
   *
   * @throws IllegalArgumentException naming the problem and where it is
   */
  public static JsonPath compile(String expression) {
    if (expression == null || expression.isBlank()) {
      throw new IllegalArgumentException("a JSON path is required");
    }
    return new JsonPath(expression, new Parser(expression).parse());
  }

  /** The value the path names, or empty when the document has nothing there (a JSON null is a value). */
  public Optional<JsonNode> read(JsonNode document) {
    JsonNode node = document;
    for (Step step : steps) {
      node = switch (step) {
        case Field field -> node.isObject() ? node.get(field.name()) : null;
        case Index index -> node.isArray() ? node.get(index.index()) : null;
      };
      if (node == null) {
        return Optional.empty();
      }
    }
    return Optional.of(node);
  }

  @Override
  public String toString() {
    return expression;
  }

  private static final class Parser {

    private final String text;
    private int pos;

    Parser(String text) {
      this.text = text;
    }

    List<Step> parse() {
      if (text.charAt(0) != '$') {
        throw problem("must start with $");
      }
      pos = 1;
      List<Step> steps = new ArrayList<>();
      while (pos < text.length()) {
        char c = text.charAt(pos);
        if (c == '.') {
          pos++;
          steps.add(new Field(dottedName()));
        } else if (c == '[') {
          pos++;
          steps.add(bracketed());
        } else {
          throw problem("expected . or [");
        }
      }
      return List.copyOf(steps);
    }

    private String dottedName() {
      int start = pos;
      while (pos < text.length() && isNameChar(text.charAt(pos))) {
        pos++;
      }
      if (pos == start) {
        // Also where "..", ".*" and a trailing "." end up.
        throw problem("expected a property name after .");
      }
      return text.substring(start, pos);
    }

    private static boolean isNameChar(char c) {
      return Character.isLetterOrDigit(c) || c == '_' || c == '-';
    }

    private Step bracketed() {
      if (pos >= text.length()) {
        throw problem("unterminated [");
      }
      char c = text.charAt(pos);
      Step step;
      if (c == '\'' || c == '"') {
        step = new Field(quotedName(c));
      } else if (c >= '0' && c <= '9') {
        step = new Index(index());
      } else {
        throw problem("expected a quoted name or a non-negative index inside [ ]");
      }
      if (pos >= text.length() || text.charAt(pos) != ']') {
        throw problem("expected ]");
      }
      pos++;
      return step;
    }

    private String quotedName(char quote) {
      pos++;
      StringBuilder name = new StringBuilder();
      while (pos < text.length()) {
        char c = text.charAt(pos++);
        if (c == quote) {
          return name.toString();
        }
        if (c == '\\') {
          if (pos >= text.length()) {
            break;
          }
          c = text.charAt(pos++);
          if (c != quote && c != '\\') {
            throw problem("only \\" + quote + " and \\\\ may be escaped");
          }
        }
        name.append(c);
      }
      throw problem("unterminated quoted name");
    }

    private int index() {
      int start = pos;
      while (pos < text.length() && text.charAt(pos) >= '0' && text.charAt(pos) <= '9') {
        pos++;
      }
      try {
        return Integer.parseInt(text, start, pos, 10);
      } catch (NumberFormatException e) {
        throw problem("index is too large");
      }
    }

    private IllegalArgumentException problem(String what) {
      return new IllegalArgumentException("invalid JSON path " + text + " at position " + pos + ": " + what);
    }
  }
}
