package io.emprops.collections.persistence;

import io.emprops.collections.domain.Blockchain;
import io.emprops.collections.domain.Collection;
import io.emprops.collections.domain.CollectionFields;
import io.emprops.collections.domain.CollectionStatus;
import io.emprops.collections.domain.Custody;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.databind.node.ObjectNode;

/**
 * Collection rows. Every write of an existing row is conditional on the version the caller read
 * (optimistic locking) and increments it, so concurrent writers never silently overwrite each other.
 */
@Repository
public class CollectionRepository {

  /** A collection and, when a social identity holds it, that identity. */
  private static final String SELECT = """
      SELECT c.*, s.social_org, s.social_identifier
      FROM collections c LEFT JOIN social_links s ON s.provisioned_user_id = c.user_id
      """;

  private final JdbcClient jdbc;
  private final JsonColumns json;

  public CollectionRepository(JdbcClient jdbc, JsonColumns json) {
    this.jdbc = jdbc;
    this.json = json;
  }

  public void insert(UUID id, UUID projectId, String userId, CollectionFields fields, UUID forkedFromId) {
    jdbc.sql("""
            INSERT INTO collections (id, project_id, user_id, title, description, archived, data, editions, price,
                blockchain, publish_date, cover_image_url, batch_mint_enabled, batch_max_tokens, encryption_enabled,
                is_current, forked_from_id)
            VALUES (:id, :project, :user, :title, :description, :archived, :data::jsonb, :editions, :price,
                :blockchain, :publishDate, :coverImageUrl, :batchMintEnabled, :batchMaxTokens, :encryptionEnabled,
                true, :forkedFrom)""")
        .param("id", id).param("project", projectId).param("user", userId)
        .params(fieldParameters(fields))
        .param("forkedFrom", forkedFromId)
        .update();
  }

  public Optional<Collection> find(UUID id) {
    return jdbc.sql(SELECT + "WHERE c.id = :id").param("id", id).query(this::map).optional();
  }

  /** The row, locked until the transaction ends (for changes that are not a plain field update). */
  public Optional<Collection> lock(UUID id) {
    return jdbc.sql(SELECT + "WHERE c.id = :id FOR UPDATE OF c").param("id", id).query(this::map).optional();
  }

  /** @return false when the row's version is no longer {@code expectedVersion} */
  public boolean update(UUID id, CollectionFields fields, long expectedVersion) {
    return jdbc.sql("""
            UPDATE collections SET title = :title, description = :description, archived = :archived,
                data = :data::jsonb, editions = :editions, price = :price, blockchain = :blockchain,
                publish_date = :publishDate, cover_image_url = :coverImageUrl, batch_mint_enabled = :batchMintEnabled,
                batch_max_tokens = :batchMaxTokens, encryption_enabled = :encryptionEnabled,
                version = version + 1, updated_at = now()
            WHERE id = :id AND version = :version""")
        .params(fieldParameters(fields))
        .param("id", id).param("version", expectedVersion)
        .update() == 1;
  }

  /** Records a change held in another table (receivers, preview) as a new version of the collection. */
  public boolean touch(UUID id, long expectedVersion) {
    return jdbc.sql("""
            UPDATE collections SET version = version + 1, updated_at = now()
            WHERE id = :id AND version = :version""")
        .param("id", id).param("version", expectedVersion).update() == 1;
  }

  /** @return false when the collection is not in {@code from} (any more) */
  public boolean transition(UUID id, List<CollectionStatus> from, CollectionStatus to) {
    return jdbc.sql("""
            UPDATE collections SET status = :to, version = version + 1, updated_at = now()
            WHERE id = :id AND status IN (:from)""")
        .param("id", id).param("to", to.wireName())
        .param("from", from.stream().map(CollectionStatus::wireName).toList())
        .update() == 1;
  }

  /** Makes no collection of the project current; the caller then inserts the new current one. */
  public void clearCurrent(UUID projectId) {
    jdbc.sql("UPDATE collections SET is_current = false WHERE project_id = :project AND is_current")
        .param("project", projectId).update();
  }

  public Optional<Collection> findCurrent(UUID projectId) {
    return jdbc.sql(SELECT + "WHERE c.project_id = :project AND c.is_current")
        .param("project", projectId).query(this::map).optional();
  }

  /** The collections of the given projects, newest first within each. */
  public List<Collection> ofProjects(List<UUID> projectIds) {
    if (projectIds.isEmpty()) {
      return List.of();
    }
    return jdbc.sql(SELECT + "WHERE c.project_id IN (:projects) ORDER BY c.project_id, c.created_at DESC, c.id DESC")
        .param("projects", projectIds).query(this::map).list();
  }

  public List<UUID> idsOwnedBy(String userId) {
    return jdbc.sql("SELECT id FROM collections WHERE user_id = :user ORDER BY created_at, id")
        .param("user", userId).query(UUID.class).list();
  }

  public int transferAll(String fromUser, String toUser) {
    return jdbc.sql("""
            UPDATE collections SET user_id = :to, version = version + 1, updated_at = now()
            WHERE user_id = :from""")
        .param("from", fromUser).param("to", toUser).update();
  }

  /** Published and not archived, newest first. */
  public List<Collection> pagePublished(int offset, int limit) {
    return jdbc.sql(SELECT + """
            WHERE c.status = 'published' AND NOT c.archived
            ORDER BY c.created_at DESC, c.id DESC OFFSET :offset LIMIT :limit""")
        .param("offset", offset).param("limit", limit).query(this::map).list();
  }

  public long countPublished() {
    return jdbc.sql("SELECT count(*) FROM collections WHERE status = 'published' AND NOT archived")
        .query(Long.class).single();
  }

  /** The editable columns as named parameters (a HashMap: most of them may be null). */
  private Map<String, Object> fieldParameters(CollectionFields fields) {
    Map<String, Object> parameters = new HashMap<>();
    parameters.put("title", fields.title());
    parameters.put("description", fields.description());
    parameters.put("archived", fields.archived());
    parameters.put("data", json.write(fields.data()));
    parameters.put("editions", fields.editions());
    parameters.put("price", fields.price());
    parameters.put("blockchain", fields.blockchain() == null ? null : fields.blockchain().name());
    parameters.put("publishDate", JsonColumns.timestamp(fields.publishDate()));
    parameters.put("coverImageUrl", fields.coverImageUrl());
    parameters.put("batchMintEnabled", fields.batchMintEnabled());
    parameters.put("batchMaxTokens", fields.batchMaxTokens());
    parameters.put("encryptionEnabled", fields.encryptionEnabled());
    return parameters;
  }

  private Collection map(ResultSet rs, int row) throws SQLException {
    String blockchain = rs.getString("blockchain");
    String socialOrg = rs.getString("social_org");
    CollectionFields fields = new CollectionFields(
        rs.getString("title"),
        rs.getString("description"),
        (ObjectNode) json.read(rs.getString("data")),
        JsonColumns.nullableInt(rs, "editions"),
        JsonColumns.decimal(rs, "price"),
        blockchain == null ? null : Blockchain.valueOf(blockchain),
        JsonColumns.instant(rs, "publish_date"),
        rs.getString("cover_image_url"),
        rs.getBoolean("batch_mint_enabled"),
        JsonColumns.nullableInt(rs, "batch_max_tokens"),
        rs.getBoolean("encryption_enabled"),
        rs.getBoolean("archived"));
    return new Collection(
        rs.getObject("id", UUID.class),
        rs.getObject("project_id", UUID.class),
        rs.getString("user_id"),
        CollectionStatus.fromWire(rs.getString("status")),
        fields,
        rs.getBoolean("is_current"),
        socialOrg == null ? null : new Custody(socialOrg, rs.getString("social_identifier")),
        rs.getObject("forked_from_id", UUID.class),
        rs.getLong("version"),
        JsonColumns.instant(rs, "created_at"),
        JsonColumns.instant(rs, "updated_at"));
  }
}
