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
