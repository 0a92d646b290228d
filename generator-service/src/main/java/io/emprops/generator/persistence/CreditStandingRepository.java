package io.emprops.generator.persistence;

import java.util.OptionalLong;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Each user's last known available credits, from credits-service's events (table credit_standings). */
@Repository
public class CreditStandingRepository {

  private final JdbcClient jdbc;

  public CreditStandingRepository(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  /** An event said what is available to the user now. */
  public void set(String userId, long available) {
    jdbc.sql("""
            INSERT INTO credit_standings (user_id, available) VALUES (:user, :available)
            ON CONFLICT (user_id) DO UPDATE SET available = excluded.available, updated_at = now()""")
        .param("user", userId).param("available", available)
        .update();
  }

  /**
   * A grant added {@code amount}. A user seen for the first time has no holds yet (their account
   * was just opened, and its opening grant is its first event), so the balance is what is available.
   */
  public void add(String userId, long amount, long balance) {
    jdbc.sql("""
            INSERT INTO credit_standings (user_id, available) VALUES (:user, :balance)
            ON CONFLICT (user_id) DO UPDATE SET available = credit_standings.available + :amount, updated_at = now()""")
        .param("user", userId).param("amount", amount).param("balance", balance)
        .update();
  }

  /** The user's standing, its row locked until the transaction ends; empty when never seen. */
  public OptionalLong lock(String userId) {
    return jdbc.sql("SELECT available FROM credit_standings WHERE user_id = :user FOR UPDATE")
        .param("user", userId).query(Long.class).optional()
        .map(OptionalLong::of).orElseGet(OptionalLong::empty);
  }
}
