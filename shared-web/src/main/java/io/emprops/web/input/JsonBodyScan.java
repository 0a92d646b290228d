package io.emprops.web.input;

import io.emprops.web.api.ApiResponse.FieldError;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.TokenStreamContext;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads a JSON body once, token by token, before any binding, and reports the first value no
 * service can keep as sent: a string or property name with characters Postgres cannot store
 * ({@link StorableText}), or a number beyond the range of a double ({@code 1e309}, which would
 * otherwise arrive as infinity). This covers every shape of body alike — records, maps and the
 * free-form JSON of instruction sets. Syntax errors are left to the binding, which reports them.
 */
public final class JsonBodyScan {

  private JsonBodyScan() {}

  public static Optional<FieldError> firstViolation(JsonMapper mapper, byte[] body) {
    try (JsonParser parser = mapper.createParser(body)) {
      for (JsonToken token = parser.nextToken(); token != null; token = parser.nextToken()) {
        switch (token) {
          case PROPERTY_NAME -> {
            if (!StorableText.isStorable(parser.currentName())) {
              return Optional.of(new FieldError(path(parser.streamReadContext().getParent(), parser.currentName()),
                  "property name " + StorableText.RULE));
            }
          }
          case VALUE_STRING -> {
            if (!StorableText.isStorable(parser.getStringCharacters(), parser.getStringOffset(),
                parser.getStringLength())) {
              return Optional.of(new FieldError(path(parser.streamReadContext()), StorableText.RULE));
            }
          }
          case VALUE_NUMBER_FLOAT -> {
            if (Double.isInfinite(parser.getDoubleValue())) {
              return Optional.of(new FieldError(path(parser.streamReadContext()), "is out of range"));
            }
          }
          default -> { }
        }
      }
      return Optional.empty();
    } catch (JacksonException malformed) {
      return Optional.empty();
    }
  }

  /** {@code items[2].name}, the form the services' field errors use; the root is {@code body}. */
  static String path(TokenStreamContext context) {
    Deque<String> parts = new ArrayDeque<>();
    for (TokenStreamContext c = context; c != null && !c.inRoot(); c = c.getParent()) {
      if (c.inArray()) {
        parts.push("[" + Math.max(0, c.getCurrentIndex()) + "]");
      } else if (c.currentName() != null) {
        parts.push("." + c.currentName());
      }
    }
    String path = String.join("", parts);
    return path.isEmpty() ? "body" : path.startsWith(".") ? path.substring(1) : path;
  }

  private static String path(TokenStreamContext parent, String name) {
    String base = path(parent);
    return "body".equals(base) ? name : base + "." + name;
  }
}
