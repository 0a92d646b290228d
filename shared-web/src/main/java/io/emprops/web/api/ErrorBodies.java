package io.emprops.web.api;

/**
 * Envelope JSON for the places that write a response before any message converter is at hand
 * (servlet filters, the gateway's reactive handlers).
 */
public final class ErrorBodies {

  private ErrorBodies() {}

  public static String json(ErrorCode code, String message) {
    return "{\"data\":null,\"error\":" + quote(message) + ",\"code\":\"" + code.name() + "\"}";
  }

  /** The envelope with per-field {@code details}. */
  public static String json(ErrorCode code, String message, java.util.List<ApiResponse.FieldError> details) {
    if (details.isEmpty()) {
      return json(code, message);
    }
    StringBuilder out = new StringBuilder("{\"data\":null,\"error\":").append(quote(message))
        .append(",\"code\":\"").append(code.name()).append("\",\"details\":[");
    for (int i = 0; i < details.size(); i++) {
      ApiResponse.FieldError detail = details.get(i);
      out.append(i == 0 ? "" : ",").append("{\"field\":").append(quote(detail.field()))
          .append(",\"message\":").append(quote(detail.message())).append('}');
    }
    return out.append("]}").toString();
  }

  static String quote(String s) {
    StringBuilder out = new StringBuilder(s.length() + 2).append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.append('"').toString();
  }
}
