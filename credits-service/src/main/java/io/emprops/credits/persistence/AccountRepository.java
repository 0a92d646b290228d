package io.emprops.credits.persistence;

import io.emprops.credits.domain.Balance;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Account rows. Every change is one conditional UPDATE, so concurrent requests serialise on the
 * row lock and the database's CHECK constraints are the last line against negative credits.
 */
@Repository
public class AccountRepository {

  private final JdbcClient jdbc;

  public AccountRepository(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  /** @return true when this call created the account (a concurrent creator waits, then sees false) */
  public boolean createIfAbsent(String userId) {
    return jdbc.sql("INSERT INTO accounts (user_id) VALUES (:user) ON CONFLICT (user_id) DO NOTHING")
        .param("user", userId)
        .update() == 1;
  }

  public Optional<Balance> find(String userId) {
    return jdbc.sql("SELECT balance, reserved FROM accounts WHERE user_id = :user")
        .param("user", userId)
        .query((rs, n) -> Balance.of(rs.getLong("balance"), rs.getLong("reserved")))
        .optional();
  }

  public Balance addToBalance(String userId, long amount) {
    return jdbc.sql("""
            UPDATE accounts SET balance = balance + :amount, version = version + 1, updated_at = now()
            WHERE user_id = :user RETURNING balance, reserved""")
        .param("amount", amount)
        .param("user", userId)
        .query((rs, n) -> Balance.of(rs.getLong("balance"), rs.getLong("reserved")))
        .single();
  }

  /** Holds {@code amount} if that much is available; empty (and nothing changed) otherwise. */
  public Optional<Balance> hold(String userId, long amount) {
    return jdbc.sql("""
            UPDATE accounts SET reserved = reserved + :amount, version = version + 1, updated_at = now()
            WHERE user_id = :user AND balance - reserved >= :amount RETURNING balance, reserved""")
        .param("amount", amount)
        .param("user", userId)
        .query((rs, n) -> Balance.of(rs.getLong("balance"), rs.getLong("reserved")))
        .optional();
  }

  /** Ends a hold of {@code held}: {@code spent} of it leaves the balance, the rest is available again. */
  public Balance settle(String userId, long held, long spent) {
    return jdbc.sql("""
            UPDATE accounts SET reserved = reserved - :held, balance = balance - :spent,
                   version = version + 1, updated_at = now()
            WHERE user_id = :user RETURNING balance, reserved""")
        .param("held", held)
        .param("spent", spent)
        .param("user", userId)
        .query((rs, n) -> Balance.of(rs.getLong("balance"), rs.getLong("reserved")))
        .single();
  }
}
