package io.emprops.events.outbox;

import java.util.regex.Pattern;

/** Names that are spliced into SQL (schema, slot, publication): plain identifiers only. */
public final class SqlIdentifiers {

  private static final Pattern PLAIN = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

  private SqlIdentifiers() {}

  public static String requirePlain(String identifier) {
    if (identifier == null || !PLAIN.matcher(identifier).matches()) {
      throw new IllegalArgumentException(
          "not a plain lower-case SQL identifier (a-z, 0-9, _; at most 63): " + identifier);
    }
    return identifier;
  }
}
