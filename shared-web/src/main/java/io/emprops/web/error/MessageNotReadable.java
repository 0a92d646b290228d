package io.emprops.web.error;

import org.springframework.http.converter.HttpMessageNotReadableException;

/** A client-safe description of an unreadable request body, without parser internals. */
final class MessageNotReadable {

  private MessageNotReadable() {}

  static String describe(HttpMessageNotReadableException e) {
    Throwable cause = e.getMostSpecificCause();
    String type = cause.getClass().getSimpleName();
    if (type.contains("InvalidFormat") || type.contains("MismatchedInput")
        || type.contains("InvalidType") || type.contains("ValueInstantiation")) {
      String path = jsonPath(cause.getMessage());
      return path == null ? "Request body has a value of the wrong type"
          : "Request body has an invalid value at " + path;
    }
    if (e.getMessage() != null && e.getMessage().startsWith("Required request body is missing")) {
      return "Request body is required";
    }
    return "Malformed JSON request body";
  }

  /** Jackson ends its messages with {@code (through reference chain: A["x"]->B["y"])}. */
  private static String jsonPath(String message) {
    if (message == null) {
      return null;
    }
    int start = message.indexOf("reference chain: ");
    if (start < 0) {
      return null;
    }
    StringBuilder path = new StringBuilder();
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\[\"([^\"]*)\"\\]|\\[(\\d+)\\]")
        .matcher(message.substring(start));
    while (m.find()) {
      if (m.group(1) != null) {
        if (!path.isEmpty()) {
          path.append('.');
        }
        path.append(m.group(1));
      } else {
        path.append('[').append(m.group(2)).append(']');
      }
    }
    return path.isEmpty() ? null : path.toString();
  }
}
