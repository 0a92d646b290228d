package io.emprops.collections.persistence;

import io.emprops.collections.domain.SocialLink;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

@Repository
public class SocialLinkRepository {

  private static final RowMapper<SocialLink> LINK = (rs, n) -> new SocialLink(
      rs.getObject("id", UUID.class), rs.getString("social_org"), rs.getString("social_identifier"),
      rs.getString("provisioned_user_id"), rs.getString("linked_user_id"),
      JsonColumns.instant(rs, "linked_at"), JsonColumns.instant(rs, "created_at"));

  private final JdbcClient jdbc;

  public SocialLinkRepository(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  /**
   * Provisions the identity's user unless it exists; racing callers serialise on the unique
   * constraint and the loser creates nothing.
   */
  public void provisionIfAbsent(String socialOrg, String socialIdentifier, String provisionedUserId) {
    jdbc.sql("""
            INSERT INTO social_links (id, social_org, social_identifier, provisioned_user_id)
            VALUES (:id, :org, :identifier, :provisioned)
            ON CONFLICT (social_org, social_identifier) DO NOTHING""")
        .param("id", UUID.randomUUID()).param("org", socialOrg).param("identifier", socialIdentifier)
        .param("provisioned", provisionedUserId)
        .update();
  }

  /** The identity's row, locked until the transaction ends (linking serialises on it). */
  public Optional<SocialLink> lock(String socialOrg, String socialIdentifier) {
    return jdbc.sql("SELECT * FROM social_links WHERE social_org = :org AND social_identifier = :identifier FOR UPDATE")
        .param("org", socialOrg).param("identifier", socialIdentifier).query(LINK).optional();
  }

  public SocialLink link(UUID id, String userId) {
    return jdbc.sql("UPDATE social_links SET linked_user_id = :user, linked_at = now() WHERE id = :id RETURNING *")
        .param("id", id).param("user", userId).query(LINK).single();
  }
}
