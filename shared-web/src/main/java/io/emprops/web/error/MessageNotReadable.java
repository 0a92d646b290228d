package io.emprops.web.error;

import io.emprops.web.api.ApiResponse.FieldError;
import io.emprops.web.input.TemporalRange;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.http.converter.HttpMessageNotReadableException;
import tools.jackson.core.JacksonException;
import tools.jackson.core.exc.InputCoercionException;
import tools.jackson.core.exc.StreamConstraintsException;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.databind.exc.InvalidFormatException;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;

/**
 * A client-safe account of an unreadable request body, without parser internals: the field it
 * concerns (Jackson's path, as the client wrote it) and what that field must be.
 */
final class MessageNotReadable {

  record Description(String message, Optional<FieldError> field) {}

  private MessageNotReadable() {}

  static Description describe(HttpMessageNotReadableException e) {
    Throwable cause = e.getMostSpecificCause();
    if (cause instanceof StreamConstraintsException) {
      return new Description("Request body exceeds the limits of JSON input (nesting, length or size)",
          Optional.empty());
    }
    // Syntax errors are StreamReadExceptions (no field to name); a number too large for its
    // field is one too, but it has a path and a target type.
    boolean aboutAValue = cause instanceof JacksonException && !(cause instanceof StreamReadException)
        || cause instanceof InputCoercionException;
    if (aboutAValue) {
      String path = path((JacksonException) cause);
      String rule = rule((JacksonException) cause);
      if (path != null) {
        return new Description("Validation failed", Optional.of(new FieldError(path, rule)));
      }
      return new Description("Request body " + rule, Optional.empty());
    }
    if (e.getMessage() != null && e.getMessage().startsWith("Required request body is missing")) {
      return new Description("Request body is required", Optional.empty());
    }
    return new Description("Malformed JSON request body", Optional.empty());
  }

  /** What the value at the failing place must be. */
  static String rule(JacksonException e) {
    if (e instanceof UnrecognizedPropertyException) {
      return "is not a known property";
    }
    if (e instanceof InvalidFormatException invalid && invalid.getValue() != null
        && !TemporalRange.isInRange(invalid.getValue())) {
      return TemporalRange.RULE;
    }
    Class<?> target = e instanceof MismatchedInputException m ? m.getTargetType()
        : e instanceof InputCoercionException c ? c.getTargetType() : null;
    if (target == null) {
      return "has a value of the wrong type";
    }
    if (e instanceof InputCoercionException) {
      return "is out of range";
    }
    return mustBe(target);
  }

  /** What a value of {@code target} must look like, in the client's terms. */
  static String mustBe(Class<?> target) {
    if (target == int.class || target == Integer.class || target == long.class || target == Long.class
        || target == short.class || target == Short.class || target == BigInteger.class) {
      return "must be an integer";
    }
    if (target == double.class || target == Double.class || target == float.class || target == Float.class
        || target == BigDecimal.class || Number.class.isAssignableFrom(target)) {
      return "must be a number";
    }
    if (target == boolean.class || target == Boolean.class) {
      return "must be true or false";
    }
    if (target == String.class || CharSequence.class.isAssignableFrom(target)) {
      return "must be a string";
    }
    if (target == UUID.class) {
      return "must be a UUID";
    }
    if (target.isEnum()) {
      StringBuilder values = new StringBuilder();
      for (Object constant : target.getEnumConstants()) {
        values.append(values.isEmpty() ? "" : ", ").append(constant);
      }
      return "must be one of: " + values;
    }
    if (TemporalRange.isTemporal(target)) {
      return TemporalRange.RULE + " (ISO-8601)";
    }
    if (target.isArray() || Collection.class.isAssignableFrom(target)) {
      return "must be an array";
    }
    if (Map.class.isAssignableFrom(target) || target.isRecord()) {
      return "must be an object";
    }
    return "has a value of the wrong type";
  }

  /** {@code items[2].name}; null when the failure concerns the body as a whole. */
  private static String path(JacksonException e) {
    StringBuilder path = new StringBuilder();
    for (JacksonException.Reference reference : e.getPath()) {
      if (reference.getPropertyName() != null) {
        if (!path.isEmpty()) {
          path.append('.');
        }
        path.append(reference.getPropertyName());
      } else if (reference.getIndex() >= 0) {
        path.append('[').append(reference.getIndex()).append(']');
      }
    }
    return path.isEmpty() ? null : path.toString();
  }
}
