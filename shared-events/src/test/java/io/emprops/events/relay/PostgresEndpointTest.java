package io.emprops.events.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PostgresEndpointTest {

  @Test
  void readsHostPortAndDatabase() {
    assertThat(PostgresEndpoint.fromJdbcUrl(
        "jdbc:postgresql://127.0.0.1:8090/emprops?currentSchema=credits&ApplicationName=credits-service"))
        .isEqualTo(new PostgresEndpoint("127.0.0.1", 8090, "emprops"));
    assertThat(PostgresEndpoint.fromJdbcUrl("jdbc:postgresql://db.internal/emprops"))
        .isEqualTo(new PostgresEndpoint("db.internal", 5432, "emprops"));
  }

  @Test
  void refusesWhatTheRelayCannotFollow() {
    assertThatThrownBy(() -> PostgresEndpoint.fromJdbcUrl("jdbc:postgresql://a:5432,b:5432/emprops"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> PostgresEndpoint.fromJdbcUrl("jdbc:mysql://a/emprops"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
