package io.emprops.e2e;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What the whole-stack benchmarks share: calls through the gateway that must answer as expected,
 * reads of the services' tables (timestamps are the services' own), and the figures' percentiles.
 */
final class BenchSupport implements AutoCloseable {

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final JsonMapper json = JsonMapper.builder().build();
  private final RunningStack stack;
  private Connection db;

  BenchSupport(RunningStack stack) throws Exception {
    this.stack = stack;
    this.db = connect();
  }

  private Connection connect() throws java.sql.SQLException {
    return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + stack.port("postgres") + "/emprops",
        "postgres", "postgres");
  }

  /** The connection, opened again when Postgres was restarted under it (a chaos run kills Postgres). */
  private Connection db() throws java.sql.SQLException {
    if (!db.isValid(2)) {
      db.close();
      db = connect();
    }
    return db;
  }

  /** The response's {@code data}, or null for an empty body; anything but {@code expected} throws. */
  JsonNode send(String method, String path, String token, String body, int expected) throws Exception {
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(stack.gatewayUrl + path))
        .timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + token)
        .header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != expected) {
      throw new IllegalStateException(method + " " + path + " -> " + response.statusCode() + " " + response.body());
    }
    return response.body().isEmpty() ? null : json.readTree(response.body()).get("data");
  }

  synchronized long count(String sql) throws Exception {
    try (Statement s = db().createStatement(); ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  synchronized String scalar(String sql) throws Exception {
    try (Statement s = db().createStatement(); ResultSet rs = s.executeQuery(sql)) {
      return rs.next() ? rs.getString(1) : null;
    }
  }

  /** The first column of every row, as longs; then as strings with {@link #rows}. */
  synchronized List<Long> longs(String sql) throws Exception {
    List<Long> values = new ArrayList<>();
    try (Statement s = db().createStatement(); ResultSet rs = s.executeQuery(sql)) {
      while (rs.next()) {
        values.add(rs.getLong(1));
      }
    }
    return values;
  }

  /** Every row's columns as strings. */
  synchronized List<List<String>> rows(String sql) throws Exception {
    List<List<String>> rows = new ArrayList<>();
    try (Statement s = db().createStatement(); ResultSet rs = s.executeQuery(sql)) {
      int columns = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        List<String> row = new ArrayList<>(columns);
        for (int c = 1; c <= columns; c++) {
          row.add(rs.getString(c));
        }
        rows.add(row);
      }
    }
    return rows;
  }

  static void report(String what, List<Long> millis) {
    System.out.printf("%-44s p50 %,d ms  p99 %,d ms  max %,d ms%n", what, (long) percentile(millis, 50),
        (long) percentile(millis, 99), Collections.max(millis));
  }

  /** Nearest rank. */
  static double percentile(List<Long> values, int p) {
    List<Long> sorted = values.stream().sorted().toList();
    int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(index, sorted.size() - 1)));
  }

  @Override
  public void close() throws Exception {
    db.close();
  }
}
