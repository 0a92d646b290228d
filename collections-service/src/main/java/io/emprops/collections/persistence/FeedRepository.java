package io.emprops.collections.persistence;

import io.emprops.collections.domain.Custody;
import io.emprops.collections.domain.FeedEntry;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The public feed: collections whose owner enabled the preview and did not archive them, most
 * recently updated first, optionally only those updated after a date.
 */
@Repository
public class FeedRepository {

  private static final String FROM = """
      FROM collections c
      JOIN previews p ON p.collection_id = c.id AND p.enabled
      JOIN projects pr ON pr.id = c.project_id
      LEFT JOIN social_links s ON s.provisioned_user_id = c.user_id
      WHERE NOT c.archived AND (CAST(:after AS timestamptz) IS NULL OR c.updated_at > :after)
      """;

  private final JdbcClient jdbc;
  private final JsonColumns json;

  public FeedRepository(JdbcClient jdbc, JsonColumns json) {
    this.jdbc = jdbc;
    this.json = json;
  }

  /** @param limit null for all entries */
  public List<FeedEntry> page(Instant after, int offset, Integer limit) {
    return jdbc.sql("""
            SELECT c.id, c.title, c.description, c.cover_image_url, c.data, c.created_at, c.updated_at,
                   p.is_remixable, pr.name AS project_name, pr.user_id AS project_user_id,
                   s.social_org, s.social_identifier
            """ + FROM + "ORDER BY c.updated_at DESC, c.id DESC OFFSET :offset LIMIT :limit")
        .param("after", JsonColumns.timestamp(after))
        .param("offset", offset)
        .param("limit", limit)
        .query(this::map).list();
  }

  public long count(Instant after) {
    return jdbc.sql("SELECT count(*) " + FROM)
        .param("after", JsonColumns.timestamp(after)).query(Long.class).single();
  }

  private FeedEntry map(ResultSet rs, int row) throws SQLException {
    String socialOrg = rs.getString("social_org");
    return new FeedEntry(
        rs.getObject("id", UUID.class),
        rs.getString("title"),
        rs.getString("description"),
        rs.getBoolean("is_remixable"),
        rs.getString("cover_image_url"),
        rs.getString("project_name"),
        rs.getString("project_user_id"),
        socialOrg == null ? null : new Custody(socialOrg, rs.getString("social_identifier")),
        json.read(rs.getString("data")),
        JsonColumns.instant(rs, "created_at"),
        JsonColumns.instant(rs, "updated_at"));
  }
}
