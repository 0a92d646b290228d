package io.emprops.collections.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.emprops.collections.domain.SampleImages;
import io.emprops.web.identity.CallerIdentity;
import io.emprops.web.testing.GatewayCalls;
import java.net.http.HttpResponse;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;


/** Feed, remix, templates and custody (API.md, "Templates, feed and remix"). */
class TemplatesApiTest extends ApiTestSupport {

  @Autowired SampleImages sampleImages;
  @Autowired JdbcClient jdbc;

  @Test
  void theFeedListsOpenPreviewsNewestFirstWithTheirPublicParts() {
    String since = databaseNow();
    JsonNode oldest = createTemplate(alice, "Oldest");
    JsonNode middle = createTemplate(alice, "Middle");
    JsonNode newest = createTemplate(bob, "Newest");
    createCollection(alice, "Not previewed", THREE_STEPS);
    data(put("/collections/" + middle.get("id").asString() + "/preview", alice,
        "{\"enabled\": true, \"is_remixable\": false}"), 200);
    sampleImages.record(UUID.randomUUID(), UUID.fromString(newest.get("id").asString()),
        "https://cdn.example/n.png", "a face", Instant.parse("2030-01-01T00:00:00Z"));

    JsonNode first = data(get("/feed?page=1&size=2&afterDate=" + since, CallerIdentity.anonymous()), 200);
    assertThat(first.get("total_collections").longValue()).isEqualTo(3);
    assertThat(first.get("total_pages").intValue()).isEqualTo(2);
    assertThat(first.get("current_page").intValue()).isEqualTo(1);
    // The middle one changed its preview last, so it is the most recently updated.
    assertThat(first.get("collections").findValuesAsString("title")).containsExactly("Middle", "Newest");
    JsonNode second = data(get("/feed?page=2&size=2&afterDate=" + since, CallerIdentity.anonymous()), 200);
    assertThat(second.get("collections").findValuesAsString("title")).containsExactly("Oldest");

    JsonNode entry = first.get("collections").get(1);
    assertThat(entry.get("is_remixable").booleanValue()).isTrue();
    assertThat(first.at("/collections/0/is_remixable").booleanValue()).isFalse();
    assertThat(entry.get("project").get("name").asString()).isEqualTo("Untitled");
    assertThat(entry.get("project").get("user_id").asString()).isEqualTo(bob.userId().orElseThrow());
    assertThat(entry.get("sample_images")).isEqualTo(JSON.readTree("[{\"url\": \"https://cdn.example/n.png\", \"alt_text\": \"a face\"}]"));
    assertThat(entry.get("variables")).isEqualTo(JSON.readTree("""
        [{"name": "style", "type": "pick", "description": null, "options": ["a", "b"]},
         {"name": "subject", "type": "text", "description": "Who is portrayed", "options": null}]"""));
    assertThat(entry.has("data")).isFalse();
    assertThat(entry.toString()).doesNotContain("portrait of");
    assertThat(entry.has("created_at") && entry.has("updated_at")).isTrue();

    JsonNode all = data(get("/feed?size=0&afterDate=" + since, CallerIdentity.anonymous()), 200);
    assertThat(all.get("collections").size()).isEqualTo(3);
    assertThat(all.get("total_pages").intValue()).isEqualTo(1);

    JsonNode later = data(get("/feed?size=0&afterDate=2999-01-01", CallerIdentity.anonymous()), 200);
    assertThat(later.get("collections").isEmpty()).isTrue();
    assertThat(later.get("total_pages").intValue()).isZero();
    // Without a size: one page of 10 (or everything, when there is less).
    int everything = data(get("/feed?size=0", CallerIdentity.anonymous()), 200).get("collections").size();
    assertThat(data(get("/feed", CallerIdentity.anonymous()), 200).get("collections").size())
        .isEqualTo(Math.min(10, everything)).isGreaterThanOrEqualTo(3);

    assertThat(invalidFields(get("/feed?afterDate=yesterday", CallerIdentity.anonymous()))).containsExactly("afterDate");
    assertThat(invalidFields(get("/feed?size=101", CallerIdentity.anonymous()))).containsExactly("size");
    assertThat(invalidFields(get("/feed?page=0", CallerIdentity.anonymous()))).containsExactly("page");
  }

  @Test
  void aRemixIsANewDraftWithNewIdsAndTheOriginalStaysUntouched() {
    JsonNode original = createTemplate(alice, "Original");
    String originalId = original.get("id").asString();
    JsonNode before = data(get("/collections/" + originalId, alice), 200);

    JsonNode fork = data(post("/collections/" + originalId + "/remix", bob, "{}"), 201);
    assertThat(fork.get("title").asString()).isEqualTo("Fork of Original");
    assertThat(fork.get("user_id").asString()).isEqualTo(bob.userId().orElseThrow());
    assertThat(fork.get("status").asString()).isEqualTo("draft");
    assertThat(fork.get("forked_from_id").asString()).isEqualTo(originalId);
    assertThat(fork.get("preview").get("enabled").booleanValue()).isFalse();

    List<Long> originalIds = stepIds(original.get("data"));
    List<Long> forkIds = stepIds(fork.get("data"));
    assertThat(forkIds).doesNotContainAnyElementsOf(originalIds);
    assertThat(fork.get("data").get("steps").findValues("fromId")).extracting(JsonNode::longValue)
        .containsExactlyElementsOf(originalIds);
    assertThat(fork.at("/data/steps/1/nodePayload/options/layers/1/mask/$ref").longValue()).isEqualTo(forkIds.get(0));
    assertThat(fork.at("/data/steps/2/nodePayload/inputs/1/0/$ref").longValue()).isEqualTo(forkIds.get(1));

    assertThat(data(get("/collections/" + originalId, alice), 200)).isEqualTo(before);
    assertThat(data(get(collectionPath(original) + "/receivers", alice), 200).isEmpty()).isTrue();
  }

  @Test
  void onlyOpenCollectionsCanBeRemixed() {
    JsonNode closed = createCollection(alice, "Closed", THREE_STEPS);
    String closedId = closed.get("id").asString();
    failure(post("/collections/" + closedId + "/remix", bob, "{}"), 400, "VALIDATION_FAILED");
    JsonNode settings = data(put("/collections/" + closedId + "/preview", alice, "{\"enabled\": true, \"is_remixable\": false}"), 200);
    assertThat(settings).isEqualTo(JSON.readTree("{\"enabled\": true, \"is_remixable\": false}"));
    failure(post("/collections/" + closedId + "/remix", bob, "{}"), 400, "VALIDATION_FAILED");
    data(put("/collections/" + closedId + "/preview", alice, "{\"enabled\": false, \"is_remixable\": true}"), 200);
    failure(post("/collections/" + closedId + "/remix", bob, "{}"), 400, "VALIDATION_FAILED");
    failure(post("/collections/" + UUID.randomUUID() + "/remix", bob, "{}"), 404, "NOT_FOUND");

    JsonNode open = createTemplate(alice, "Open");
    String alicesProject = open.get("project_id").asString();
    failure(post("/collections/" + open.get("id").asString() + "/remix", bob,
        "{\"project_id\": \"" + alicesProject + "\"}"), 404, "NOT_FOUND");
    assertThat(invalidFields(post("/collections/" + open.get("id").asString() + "/remix", bob,
        "{\"project_id\": \"" + alicesProject + "\", \"social_org\": \"farcaster\", \"social_identifier\": \"1\"}")))
        .containsExactly("project_id");
    assertThat(invalidFields(put("/collections/" + closedId + "/preview", alice, "{\"enabled\": true}")))
        .containsExactly("is_remixable");
  }

  @Test
  void aCustodialRemixIsHeldForTheSocialIdentityUntilItsOwnerLinksIt() {
    JsonNode template = createTemplate(alice, "Frame art");
    String fid = "fid-" + UUID.randomUUID();
    JsonNode fork = data(post("/collections/" + template.get("id").asString() + "/remix", bob,
        "{\"social_org\": \"Farcaster\", \"social_identifier\": \"" + fid + "\"}"), 201);
    String forkId = fork.get("id").asString();
    assertThat(fork.get("user_id").asString()).startsWith("social:farcaster:");
    assertThat(fork.get("custody")).isEqualTo(JSON.readTree("{\"social_org\": \"farcaster\", \"social_identifier\": \"" + fid + "\"}"));

    JsonNode seenPublicly = data(get("/collections/" + forkId, CallerIdentity.anonymous()), 200);
    assertThat(seenPublicly.get("custody").get("social_identifier").asString()).isEqualTo(fid);
    assertThat(seenPublicly.has("data")).isFalse();
    failure(put(collectionPath(fork), bob, "{\"title\": \"Taken\"}"), 404, "NOT_FOUND");

    CallerIdentity claimant = GatewayCalls.user("carol-" + UUID.randomUUID());
    String claim = "{\"user_id\": \"" + claimant.userId().orElseThrow()
        + "\", \"social_org\": \"farcaster\", \"social_identifier\": \"" + fid + "\"}";
    // A user cannot claim an identity for themselves: that would hand them what is held for it.
    failure(post("/social-links", claimant, claim), 403, "FORBIDDEN");
    CallerIdentity linker = GatewayCalls.user("farcaster-sign-in", "identity-linker");
    JsonNode link = data(post("/social-links", linker, claim), 201);
    assertThat(link.get("transferred_collections").intValue()).isEqualTo(1);
    assertThat(link.get("transferred_projects").intValue()).isEqualTo(1);
    assertThat(link.get("user_id").asString()).isEqualTo(claimant.userId().orElseThrow());

    JsonNode owned = data(get("/collections/" + forkId, claimant), 200);
    assertThat(owned.get("user_id").asString()).isEqualTo(claimant.userId().orElseThrow());
    assertThat(owned.get("custody").isNull()).isTrue();
    assertThat(owned.get("data")).isEqualTo(fork.get("data"));
    failure(get("/collections/" + forkId, CallerIdentity.anonymous()), 404, "NOT_FOUND");
    assertThat(put(collectionPath(owned), claimant, "{\"title\": \"Mine\"}").statusCode()).isEqualTo(204);

    JsonNode again = data(post("/social-links", linker, claim), 200);
    assertThat(again.get("transferred_collections").intValue()).isZero();
    failure(post("/social-links", linker, "{\"user_id\": \"" + bob.userId().orElseThrow()
        + "\", \"social_org\": \"farcaster\", \"social_identifier\": \"" + fid + "\"}"), 409, "CONFLICT");

    // Once linked, new remixes for the identity go straight to its owner.
    JsonNode direct = data(post("/collections/" + template.get("id").asString() + "/remix", bob,
        "{\"social_org\": \"farcaster\", \"social_identifier\": \"" + fid + "\"}"), 201);
    assertThat(direct.get("user_id").asString()).isEqualTo(claimant.userId().orElseThrow());
    assertThat(invalidFields(post("/social-links", linker, "{\"user_id\": \"x\", \"social_org\": \"far caster\", \"social_identifier\": \"\"}")))
        .containsExactlyInAnyOrder("social_org", "social_identifier");
    assertThat(invalidFields(post("/social-links", linker, "{\"social_org\": \"farcaster\", \"social_identifier\": \"1\"}")))
        .containsExactly("user_id");
  }

  @Test
  void fromTemplateAppliesDotNotationOverridesToTheCopy() {
    JsonNode template = createTemplate(alice, "Template");
    String fid = "fid-" + UUID.randomUUID();
    HttpResponse<String> response = post("/collections/custodial/from-template", bob, """
        {"template_id": "%s", "social_org": "farcaster", "social_identifier": "%s",
         "overrides": {"title": "Custom", "editions": 7,
                       "data.steps.0.nodePayload.prompt": "a lighthouse at dusk",
                       "data.variables.1.value": "sailor"}}
        """.formatted(template.get("id").asString(), fid));
    JsonNode copy = data(response, 201);
    assertThat(copy.get("title").asString()).isEqualTo("Custom");
    assertThat(copy.get("editions").intValue()).isEqualTo(7);
    assertThat(copy.at("/data/steps/0/nodePayload/prompt").asString()).isEqualTo("a lighthouse at dusk");
    assertThat(copy.at("/data/variables/1/value").asString()).isEqualTo("sailor");
    assertThat(copy.at("/custody/social_identifier").asString()).isEqualTo(fid);
    assertThat(stepIds(copy.get("data"))).doesNotContainAnyElementsOf(stepIds(template.get("data")));
    assertThat(data(get("/collections/" + template.get("id").asString(), alice), 200).at("/data/steps/0/nodePayload/prompt").asString())
        .isEqualTo("portrait of {{subject}}, {{style}} style");

    HttpResponse<String> badPath = post("/collections/custodial/from-template", bob, """
        {"template_id": "%s", "social_org": "farcaster", "social_identifier": "%s",
         "overrides": {"data.steps.9.nodePayload.prompt": "x", "data.steps.0.nodePayload.promt": "y", "title": "ok"}}
        """.formatted(template.get("id").asString(), fid));
    assertThat(invalidFields(badPath)).containsExactly(
        "overrides.data.steps.9.nodePayload.prompt", "overrides.data.steps.0.nodePayload.promt");

    HttpResponse<String> breaksTheGraph = post("/collections/custodial/from-template", bob, """
        {"template_id": "%s", "social_org": "farcaster", "social_identifier": "%s",
         "overrides": {"data.steps.1.nodePayload.image": {"$ref": 42}}}
        """.formatted(template.get("id").asString(), fid));
    assertThat(invalidFields(breaksTheGraph)).containsExactly("data.steps[1].nodePayload.image");

    assertThat(invalidFields(post("/collections/custodial/from-template", bob,
        "{\"template_id\": \"" + template.get("id").asString() + "\"}")))
        .containsExactlyInAnyOrder("social_org", "social_identifier");
    failure(post("/collections/custodial/from-template", bob,
        "{\"template_id\": \"" + UUID.randomUUID() + "\", \"social_org\": \"farcaster\", \"social_identifier\": \"1\"}"),
        404, "NOT_FOUND");
  }

  private String databaseNow() {
    return jdbc.sql("SELECT clock_timestamp()").query(Timestamp.class).single().toInstant().toString();
  }
}
