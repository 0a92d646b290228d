package io.emprops.localstack.infra;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Embedded PostgreSQL 17 (zonky binaries) configured for logical decoding, with one database
 * ({@value #DATABASE}) in which every service owns one schema through a role of the same name.
 */
public final class PostgresServer implements InfraComponent {

  public static final String DATABASE = "emprops";
  private static final Pattern IDENTIFIER = Pattern.compile("[a-z][a-z0-9_]{0,62}");

  private final EmbeddedPostgres postgres;
  private final int port;
  private final Path dataDirectory;
  private volatile ProcessHandle knownPostmaster;

  private PostgresServer(EmbeddedPostgres postgres, int port, Path dataDirectory) {
    this.postgres = postgres;
    this.port = port;
    this.dataDirectory = dataDirectory;
  }

  /**
   * @param dataDirectory kept between runs unless {@code fresh}
   */
  public static PostgresServer start(int port, Path dataDirectory, boolean fresh) {
    return start(port, dataDirectory, fresh, false);
  }

  /**
   * @param synchronousCommit commits wait for their WAL to be flushed, as in production: what a
   *     client saw committed survives the postmaster's {@code kill -9} (zonky's default is off,
   *     which is faster and loses the last few milliseconds of commits on a crash)
   */
  public static PostgresServer start(int port, Path dataDirectory, boolean fresh, boolean synchronousCommit) {
    try {
      Files.createDirectories(dataDirectory);
      EmbeddedPostgres postgres = EmbeddedPostgres.builder()
          .setPort(port)
          .setDataDirectory(dataDirectory)
          .setCleanDataDirectory(fresh)
          .setServerConfig("listen_addresses", Ports.LOOPBACK)
          .setServerConfig("wal_level", "logical")
          .setServerConfig("max_replication_slots", "20")
          .setServerConfig("max_wal_senders", "20")
          // zonky turns synchronous_commit off; without a short WAL writer delay, logical
          // decoding sees commits up to 200 ms late (INFRA.md: ~10x worse CDC latency).
          .setServerConfig("wal_writer_delay", "10ms")
          .setServerConfig("max_connections", "300")
          .setServerConfig("shared_buffers", "128MB")
          .setServerConfig("synchronous_commit", synchronousCommit ? "on" : "off")
          .setPGStartupWait(Duration.ofSeconds(90))
          .start();
      PostgresServer server = new PostgresServer(postgres, port, dataDirectory);
      server.ensureDatabase();
      return server;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start PostgreSQL on port " + port, e);
    }
  }

  @Override
  public String name() {
    return "postgres";
  }

  @Override
  public String endpoint() {
    return "postgresql://" + Ports.LOOPBACK + ":" + port + "/" + DATABASE;
  }

  public int port() {
    return port;
  }

  public String jdbcUrl(String schema) {
    return "jdbc:postgresql://" + Ports.LOOPBACK + ":" + port + "/" + DATABASE
        + "?currentSchema=" + schema;
  }

  /** A superuser connection, for provisioning and for tests that inspect the server. */
  public Connection superuserConnection() throws SQLException {
    return DriverManager.getConnection(
        "jdbc:postgresql://" + Ports.LOOPBACK + ":" + port + "/" + DATABASE, "postgres", "postgres");
  }

  /**
   * Creates (or updates) a service's role and schema: the role owns the schema, may open a
   * replication connection and create publications (Debezium), and sees only its own schema by
   * default. Idempotent; the password is reset to the given one.
   */
  public void provisionServiceSchema(String schema, String password) {
    if (!IDENTIFIER.matcher(schema).matches()) {
      throw new IllegalArgumentException("not a plain identifier: " + schema);
    }
    try (Connection c = superuserConnection(); Statement s = c.createStatement()) {
      String quotedPassword = "'" + password.replace("'", "''") + "'";
      s.execute("DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '" + schema
          + "') THEN CREATE ROLE " + schema + " LOGIN REPLICATION; END IF; END $$");
      s.execute("ALTER ROLE " + schema + " WITH LOGIN REPLICATION PASSWORD " + quotedPassword);
      s.execute("CREATE SCHEMA IF NOT EXISTS " + schema + " AUTHORIZATION " + schema);
      s.execute("ALTER ROLE " + schema + " SET search_path = " + schema);
      s.execute("GRANT CONNECT, CREATE ON DATABASE " + DATABASE + " TO " + schema);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot provision schema " + schema, e);
    }
  }

  private void ensureDatabase() {
    try (Connection c = DriverManager.getConnection(
            "jdbc:postgresql://" + Ports.LOOPBACK + ":" + port + "/postgres", "postgres", "postgres");
        Statement s = c.createStatement()) {
      var rs = s.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + DATABASE + "'");
      if (!rs.next()) {
        s.execute("CREATE DATABASE " + DATABASE);
      }
      s.execute("REVOKE ALL ON DATABASE " + DATABASE + " FROM PUBLIC");
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create database " + DATABASE, e);
    }
  }

  @Override
  public void close() {
    java.util.Optional<ProcessHandle> postmaster = postmaster();
    try {
      postgres.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    // pg_ctl returns when the pid file is gone, a moment before the postmaster has exited: a stop
    // is complete (for whoever restarts on this data or checks that nothing runs) only at the exit.
    postmaster.ifPresent(process -> {
      try {
        process.onExit().get(10, java.util.concurrent.TimeUnit.SECONDS);
      } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
        // still stopping: nothing more to wait for here
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
  }

  /** The postmaster, while it runs. */
  public java.util.Optional<ProcessHandle> process() {
    // The supervisor asks four times a second: the pid file is read only when the process found
    // last time is gone.
    ProcessHandle known = knownPostmaster;
    if (known != null && known.isAlive()) {
      return java.util.Optional.of(known);
    }
    java.util.Optional<ProcessHandle> found = postmaster().filter(ProcessHandle::isAlive);
    knownPostmaster = found.orElse(null);
    return found;
  }

  /**
   * Starts the server again on the same data, port and settings after its postmaster died (the
   * launcher's supervisor): crash recovery replays the WAL, so every commit whose WAL was flushed
   * survives. The command comes from {@code postmaster.opts}, which Postgres writes at every start.
   * Backends of the dead postmaster may hold its shared memory for a moment: until they are gone
   * the start is refused, and tried again.
   *
   * @param log where pg_ctl and the new postmaster write
   */
  public synchronized void restart(Path log) {
    try {
      List<String> command = quotedWords(Files.readString(dataDirectory.resolve("postmaster.opts")));
      Path pgCtl = Path.of(command.getFirst()).resolveSibling("pg_ctl");
      List<String> options = new java.util.ArrayList<>();
      for (int i = 1; i < command.size(); i++) {
        if (command.get(i).equals("-D")) {
          i++; // pg_ctl passes the data directory itself
        } else {
          options.add('"' + command.get(i) + '"');
        }
      }
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (true) {
        List<String> start = new java.util.ArrayList<>();
        if ("root".equals(System.getProperty("user.name"))) {
          // As zonky does: Postgres refuses to run as root, so as root in a user namespace of its own.
          start.addAll(List.of("unshare", "-U"));
        }
        start.addAll(List.of(pgCtl.toString(), "-D", dataDirectory.toString(), "-w", "-t", "60",
            "-o", String.join(" ", options), "start"));
        Process pgCtlStart = new ProcessBuilder(start)
            .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        if (pgCtlStart.waitFor(90, java.util.concurrent.TimeUnit.SECONDS) && pgCtlStart.exitValue() == 0) {
          return;
        }
        pgCtlStart.destroyForcibly();
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("PostgreSQL did not start again within 60 s; see " + log);
        }
        Thread.sleep(500);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot restart PostgreSQL", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while restarting PostgreSQL", e);
    }
  }

  /** The words of {@code postmaster.opts}: the binary, then each argument in double quotes. */
  static List<String> quotedWords(String text) {
    List<String> words = new java.util.ArrayList<>();
    java.util.regex.Matcher word = Pattern.compile("\"([^\"]*)\"|(\\S+)").matcher(text.strip());
    while (word.find()) {
      words.add(word.group(1) != null ? word.group(1) : word.group(2));
    }
    return words;
  }

  /** The running postmaster, from its pid file (it daemonizes: it is not this JVM's child). */
  private java.util.Optional<ProcessHandle> postmaster() {
    Path pidFile = dataDirectory.resolve("postmaster.pid");
    try {
      return Files.exists(pidFile)
          ? ProcessHandle.of(Long.parseLong(Files.readAllLines(pidFile).getFirst().trim()))
          : java.util.Optional.empty();
    } catch (IOException | RuntimeException e) {
      return java.util.Optional.empty();
    }
  }
}
