package io.emprops.web.error;

/** Java property paths as clients see them in JSON (snake_case, API.md). */
final class FieldNames {

  private FieldNames() {}

  static String toJson(String javaPath) {
    StringBuilder out = new StringBuilder(javaPath.length() + 8);
    for (int i = 0; i < javaPath.length(); i++) {
      char c = javaPath.charAt(i);
      if (Character.isUpperCase(c)) {
        out.append('_').append(Character.toLowerCase(c));
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  /** {@code create.request.title} (a method-validation path) → {@code title}. */
  static String lastNode(String propertyPath) {
    int dot = propertyPath.lastIndexOf('.');
    return toJson(dot < 0 ? propertyPath : propertyPath.substring(dot + 1));
  }
}
