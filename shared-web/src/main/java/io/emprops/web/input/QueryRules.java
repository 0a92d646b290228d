package io.emprops.web.input;

import io.emprops.web.api.ApiResponse.FieldError;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * What a request line may carry, checked on the raw (still percent-encoded) path and query:
 * valid percent-encoding of UTF-8, and once decoded only {@link StorableText}. A malformed
 * escape ({@code %}, {@code %ff}) or an encoded NUL ({@code ?model=%00}) is a 400 naming the
 * parameter, instead of a container error page or a database failure.
 */
public final class QueryRules {

  private QueryRules() {}

  public static Optional<FieldError> firstViolation(String rawPath, String rawQuery) {
    if (rawPath != null) {
      for (String segment : rawPath.split("/", -1)) {
        String problem = problem(segment, false);
        if (problem != null) {
          return Optional.of(new FieldError("path", problem));
        }
      }
    }
    if (rawQuery == null || rawQuery.isEmpty()) {
      return Optional.empty();
    }
    for (String pair : rawQuery.split("&", -1)) {
      int equals = pair.indexOf('=');
      String rawName = equals < 0 ? pair : pair.substring(0, equals);
      String nameProblem = problem(rawName, true);
      if (nameProblem != null) {
        return Optional.of(new FieldError("query", "parameter name " + nameProblem));
      }
      if (equals >= 0) {
        String valueProblem = problem(pair.substring(equals + 1), true);
        if (valueProblem != null) {
          return Optional.of(new FieldError(decode(rawName, true), valueProblem));
        }
      }
    }
    return Optional.empty();
  }

  /** Why {@code raw} is not acceptable once decoded, or null. */
  private static String problem(String raw, boolean plusIsSpace) {
    if (raw.indexOf('%') < 0) {
      return StorableText.isStorable(raw) ? null : StorableText.RULE;
    }
    String decoded = decode(raw, plusIsSpace);
    if (decoded == null) {
      return "is not valid percent-encoded UTF-8";
    }
    return StorableText.isStorable(decoded) ? null : StorableText.RULE;
  }

  /** Strict decoding: null for a malformed escape or bytes that are not UTF-8. */
  static String decode(String raw, boolean plusIsSpace) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(raw.length());
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c == '%') {
        if (i + 2 >= raw.length()) {
          return null;
        }
        int high = Character.digit(raw.charAt(i + 1), 16);
        int low = Character.digit(raw.charAt(i + 2), 16);
        if (high < 0 || low < 0) {
          return null;
        }
        bytes.write(high << 4 | low);
        i += 2;
      } else if (c == '+' && plusIsSpace) {
        bytes.write(' ');
      } else {
        byte[] encoded = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
        bytes.write(encoded, 0, encoded.length);
      }
    }
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes.toByteArray())).toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }
}
