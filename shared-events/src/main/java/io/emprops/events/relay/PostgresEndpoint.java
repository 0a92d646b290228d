package io.emprops.events.relay;

import java.net.URI;

/**
 * Host, port and database of a PostgreSQL JDBC URL, which Debezium takes as separate settings.
 * Only single-host URLs are supported: the relay must reach the primary, where the slot lives.
 */
public record PostgresEndpoint(String host, int port, String database) {

  private static final String PREFIX = "jdbc:postgresql://";
  private static final int DEFAULT_PORT = 5432;

  public static PostgresEndpoint fromJdbcUrl(String jdbcUrl) {
    if (jdbcUrl == null || !jdbcUrl.startsWith(PREFIX)) {
      throw new IllegalArgumentException("not a PostgreSQL JDBC URL: " + jdbcUrl);
    }
    URI uri = URI.create("postgresql://" + jdbcUrl.substring(PREFIX.length()));
    String path = uri.getPath();
    if (uri.getHost() == null || path == null || path.length() < 2 || jdbcUrl.indexOf(',') >= 0) {
      throw new IllegalArgumentException("expected jdbc:postgresql://host[:port]/database[?...], got " + jdbcUrl);
    }
    return new PostgresEndpoint(uri.getHost(), uri.getPort() < 0 ? DEFAULT_PORT : uri.getPort(), path.substring(1));
  }
}
