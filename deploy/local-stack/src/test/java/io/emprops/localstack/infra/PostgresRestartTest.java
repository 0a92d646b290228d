package io.emprops.localstack.infra;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A Postgres of its own (not the shared one: it is killed), as the launcher's supervisor restarts
 * it after a {@code kill -9} of its postmaster in a chaos run.
 */
class PostgresRestartTest {

  @Test
  void aKilledPostmasterIsStartedAgainOnItsDataWithEveryCommitThatWasAcknowledged() throws Exception {
    Path data = Files.createTempDirectory("emprops-pg-restart-");
    int port = Ports.freeBlock(24_000 + (int) (ProcessHandle.current().pid() % 500) * 2, 1);
    try (PostgresServer postgres = PostgresServer.start(port, data.resolve("postgres"), true, true)) {
      try (Connection c = superuser(port); Statement s = c.createStatement()) {
        assertThat(scalar(s, "SHOW synchronous_commit")).isEqualTo("on");
        s.execute("CREATE TABLE acknowledged (n int)");
        s.execute("INSERT INTO acknowledged SELECT generate_series(1, 1000)");
      }
      ProcessHandle postmaster = postgres.process().orElseThrow();

      postmaster.destroyForcibly();
      postmaster.onExit().get(10, TimeUnit.SECONDS);
      assertThat(postgres.process()).as("a dead postmaster is seen as not running").isEmpty();
      postgres.restart(data.resolve("postgres-restart.log"));

      assertThat(postgres.process()).hasValueSatisfying(p -> assertThat(p.pid()).isNotEqualTo(postmaster.pid()));
      try (Connection c = superuser(port); Statement s = c.createStatement()) {
        assertThat(scalar(s, "SELECT count(*) FROM acknowledged")).isEqualTo("1000");
        assertThat(scalar(s, "SHOW wal_level")).as("the same settings as the first start").isEqualTo("logical");
        assertThat(scalar(s, "SHOW synchronous_commit")).isEqualTo("on");
      }
    }
  }

  @Test
  void postmasterOptsAreReadWordByWord() {
    assertThat(PostgresServer.quotedWords("/tmp/pg/bin/postgres \"-D\" \"/data/pg\" \"-p\" \"5432\" \"-c\" \"wal_level=logical\"\n"))
        .isEqualTo(List.of("/tmp/pg/bin/postgres", "-D", "/data/pg", "-p", "5432", "-c", "wal_level=logical"));
  }

  private static Connection superuser(int port) throws Exception {
    return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/" + PostgresServer.DATABASE,
        "postgres", "postgres");
  }

  private static String scalar(Statement s, String sql) throws Exception {
    try (ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    }
  }
}
