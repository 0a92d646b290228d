package io.emprops.web.input;

/**
 * Text every service can store as it was sent. Postgres refuses NUL in {@code text} and
 * {@code \u0000} in {@code jsonb}, and a lone UTF-16 surrogate has no UTF-8 form: the driver
 * would store a '?' instead. Both are refused at the edge of every service, naming the field,
 * rather than failing (500) or changing the text in the database.
 */
public final class StorableText {

  public static final String RULE = "must not contain NUL characters or unpaired surrogates";

  private StorableText() {}

  public static boolean isStorable(CharSequence text) {
    for (int i = 0, n = text.length(); i < n; i++) {
      char c = text.charAt(i);
      if (c == '\0') {
        return false;
      }
      if (Character.isHighSurrogate(c)) {
        if (i + 1 < n && Character.isLowSurrogate(text.charAt(i + 1))) {
          i++;
        } else {
          return false;
        }
      } else if (Character.isLowSurrogate(c)) {
        return false;
      }
    }
    return true;
  }

  public static boolean isStorable(char[] buffer, int offset, int length) {
    return isStorable(java.nio.CharBuffer.wrap(buffer, offset, length));
  }
}
