package io.emprops.credits.domain;

import static org.assertj.core.api.Assertions.assertThat;

import org.springframework.jdbc.core.simple.JdbcClient;

/** The accounting identities that must hold for an account at every moment. */
final class CreditInvariants {

  private CreditInvariants() {}

  static void assertHold(JdbcClient jdbc, String userId) {
    long balance = jdbc.sql("SELECT balance FROM accounts WHERE user_id = ?").param(userId).query(Long.class).single();
    long reserved = jdbc.sql("SELECT reserved FROM accounts WHERE user_id = ?").param(userId).query(Long.class).single();
    long ledgerSum = sum(jdbc, userId, "grant", "reserve", "charge", "release", "refund");
    long moneyMovements = sum(jdbc, userId, "grant", "charge", "refund");
    long activeHolds = jdbc.sql("SELECT coalesce(sum(amount), 0) FROM reservations WHERE user_id = ? AND status = 'active'")
        .param(userId).query(Long.class).single();

    assertThat(ledgerSum).as("ledger sums to the available credits").isEqualTo(balance - reserved);
    assertThat(moneyMovements).as("grants, refunds and charges sum to the balance").isEqualTo(balance);
    assertThat(reserved).as("reserved equals the active holds").isEqualTo(activeHolds);
    assertThat(balance - reserved).as("available never negative").isGreaterThanOrEqualTo(0);
  }

  private static long sum(JdbcClient jdbc, String userId, String... kinds) {
    return jdbc.sql("SELECT coalesce(sum(amount), 0) FROM ledger_entries WHERE user_id = :user AND kind IN (:kinds)")
        .param("user", userId).param("kinds", java.util.List.of(kinds)).query(Long.class).single();
  }
}
