package io.emprops.credits.persistence;

import io.emprops.credits.domain.LedgerEntry;
import io.emprops.credits.domain.LedgerKind;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The append-only ledger; {@code (reference, kind)} makes every write happen at most once. */
@Repository
public class LedgerRepository {

  private static final RowMapper<LedgerEntry> ENTRY = (rs, n) -> new LedgerEntry(
      rs.getObject("id", UUID.class),
      rs.getLong("amount"),
      LedgerKind.fromWire(rs.getString("kind")),
      rs.getString("reference"),
      rs.getString("description"),
      rs.getTimestamp("created_at").toInstant());

  private final JdbcClient jdbc;

  public LedgerRepository(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  /** @return true when written, false when an entry of that kind for that reference exists */
  public boolean append(String userId, long amount, LedgerKind kind, String reference, String description) {
    return jdbc.sql("""
            INSERT INTO ledger_entries (id, user_id, amount, kind, reference, description)
            VALUES (:id, :user, :amount, :kind, :reference, :description)
            ON CONFLICT (reference, kind) DO NOTHING""")
        .param("id", UUID.randomUUID())
        .param("user", userId)
        .param("amount", amount)
        .param("kind", kind.wireName())
        .param("reference", reference)
        .param("description", description)
        .update() == 1;
  }

  public Optional<LedgerEntry> find(String reference, LedgerKind kind) {
    return jdbc.sql("SELECT * FROM ledger_entries WHERE reference = :reference AND kind = :kind")
        .param("reference", reference)
        .param("kind", kind.wireName())
        .query(ENTRY)
        .optional();
  }

  public Optional<String> ownerOf(String reference, LedgerKind kind) {
    return jdbc.sql("SELECT user_id FROM ledger_entries WHERE reference = :reference AND kind = :kind")
        .param("reference", reference)
        .param("kind", kind.wireName())
        .query(String.class)
        .optional();
  }

  /** Newest first, in write order, so pages never overlap or reorder. */
  public List<LedgerEntry> page(String userId, int offset, int limit) {
    return jdbc.sql("""
            SELECT * FROM ledger_entries WHERE user_id = :user
            ORDER BY seq DESC OFFSET :offset LIMIT :limit""")
        .param("user", userId)
        .param("offset", offset)
        .param("limit", limit)
        .query(ENTRY)
        .list();
  }

  public long count(String userId) {
    return jdbc.sql("SELECT count(*) FROM ledger_entries WHERE user_id = :user")
        .param("user", userId).query(Long.class).single();
  }
}
