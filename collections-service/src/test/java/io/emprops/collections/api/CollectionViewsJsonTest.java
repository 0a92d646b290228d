package io.emprops.collections.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.emprops.collections.domain.Collection;
import io.emprops.collections.domain.CollectionFields;
import io.emprops.collections.domain.CollectionStatus;
import io.emprops.collections.domain.Custody;
import io.emprops.collections.domain.PreviewSettings;
import io.emprops.collections.domain.PublicCollections.PublicCollection;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.json.JsonMapper;

/**
 * The members of a collection's JSON views, which embed {@link CollectionDetails} unwrapped: they
 * stay top-level and are exactly those clients have always received (their order is not part of
 * the API).
 */
class CollectionViewsJsonTest {

  private final JsonMapper json = JsonMapper.builder()
      .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE).build();
  private final Collection collection = new Collection(UUID.randomUUID(), UUID.randomUUID(), "user-1",
      CollectionStatus.DRAFT, CollectionFields.untitled().withTitle("Portraits"), true,
      new Custody("twitter", "@someone"), null, 3, Instant.parse("2026-01-01T00:00:00Z"),
      Instant.parse("2026-01-02T00:00:00Z"));

  @Test
  void theOwnersViewHasEveryMemberTopLevel() {
    JsonNode view = json.valueToTree(CollectionView.of(collection, PreviewSettings.HIDDEN, null));

    assertThat(names(view)).containsExactlyInAnyOrder("id", "project_id", "user_id", "title", "description",
        "status", "archived", "data", "editions", "price", "blockchain", "publish_date", "cover_image_url",
        "batch_mint_enabled", "batch_max_tokens", "encryption_enabled", "is_current", "forked_from_id", "preview",
        "custody", "publication", "version", "created_at", "updated_at");
    assertThat(view.get("title").asString()).isEqualTo("Portraits");
    assertThat(view.get("status").asString()).isEqualTo("draft");
    assertThat(view.get("custody").get("social_org").asString()).isEqualTo("twitter");
    assertThat(view.get("version").longValue()).isEqualTo(3);
  }

  @Test
  void thePublicViewHasEveryMemberTopLevel() {
    JsonNode view = json.valueToTree(PublicCollectionView.of(
        new PublicCollection(collection, "Project", PreviewSettings.HIDDEN, null, null)));

    assertThat(names(view)).containsExactlyInAnyOrder("id", "title", "description", "status", "editions",
        "price", "blockchain", "publish_date", "cover_image_url", "batch_mint_enabled", "batch_max_tokens",
        "encryption_enabled", "is_remixable", "project", "custody", "contract_address", "created_at", "updated_at");
    assertThat(view.get("id").asString()).isEqualTo(collection.id().toString());
  }

  private static List<String> names(JsonNode node) {
    List<String> names = new ArrayList<>();
    node.propertyNames().forEach(names::add);
    return names;
  }
}
