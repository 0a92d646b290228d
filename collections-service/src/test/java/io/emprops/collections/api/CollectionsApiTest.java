package io.emprops.collections.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.emprops.collections.domain.Publications;
import io.emprops.collections.domain.SampleImages;
import io.emprops.web.identity.CallerIdentity;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;

/** The /collections and /projects/{id}/collections contract of API.md, "Collections". */
class CollectionsApiTest extends ApiTestSupport {

  @Autowired Publications publications;
  @Autowired SampleImages sampleImages;

  @Test
  void creatingGivesEveryStepANewComponentIdAndRewritesReferencesAtAnyDepth() {
    HttpResponse<String> response = post("/projects/collections", alice,
        "{\"title\": \"Portraits\", \"editions\": 10, \"data\": " + THREE_STEPS + "}");
    JsonNode collection = data(response, 201);
    JsonNode data = collection.get("data");
    List<Long> ids = stepIds(data);

    assertThat(ids).doesNotContain(1L, 2L, 3L).doesNotHaveDuplicates();
    assertThat(data.get("steps").findValues("fromId")).extracting(JsonNode::longValue).containsExactly(1L, 2L, 3L);
    assertThat(data.at("/steps/1/nodePayload/image/$ref").longValue()).isEqualTo(ids.get(0));
    assertThat(data.at("/steps/1/nodePayload/options/layers/0/source/$ref").longValue()).isEqualTo(ids.get(0));
    assertThat(data.at("/steps/1/nodePayload/options/layers/1/mask/$ref").longValue()).isEqualTo(ids.get(0));
    assertThat(data.at("/steps/2/nodePayload/inputs/1/0/$ref").longValue()).isEqualTo(ids.get(1));
    assertThat(data.at("/steps/0/nodePayload/prompt").asString()).isEqualTo("portrait of {{subject}}, {{style}} style");

    assertThat(collection.get("title").asString()).isEqualTo("Portraits");
    assertThat(collection.get("status").asString()).isEqualTo("draft");
    assertThat(collection.get("editions").intValue()).isEqualTo(10);
    assertThat(collection.get("is_current").booleanValue()).isTrue();
    assertThat(collection.get("archived").booleanValue()).isFalse();
    assertThat(collection.get("user_id").asString()).isEqualTo(alice.userId().orElseThrow());
    assertThat(collection.get("preview").get("enabled").booleanValue()).isFalse();
    assertThat(response.headers().firstValue("ETag")).contains("\"0\"");

    JsonNode projects = data(get("/projects", alice), 200);
    assertThat(projects.get("total").longValue()).isEqualTo(1);
    JsonNode project = projects.get("items").get(0);
    assertThat(project.get("id").asString()).isEqualTo(collection.get("project_id").asString());
    assertThat(project.get("is_default").booleanValue()).isTrue();
    assertThat(project.get("collections").get(0).get("id").asString()).isEqualTo(collection.get("id").asString());
  }

  @Test
  void anEmptyBodyCreatesAnUntitledDraftAndTheNewestCollectionIsCurrent() {
    JsonNode first = data(post("/projects/collections", alice, ""), 201);
    assertThat(first.get("title").asString()).isEqualTo("Untitled");
    assertThat(first.get("data").get("version").asString()).isEqualTo("v2");
    assertThat(first.get("data").get("steps").isEmpty()).isTrue();

    String projectId = first.get("project_id").asString();
    JsonNode second = data(post("/projects/collections?project_id=" + projectId, alice, "{\"title\": \"Second\"}"), 201);
    JsonNode current = data(get("/projects/" + projectId + "/collections/current", alice), 200);
    assertThat(current.get("id").asString()).isEqualTo(second.get("id").asString());
    assertThat(data(get("/collections/" + first.get("id").asString(), alice), 200).get("is_current").booleanValue()).isFalse();
  }

  @Test
  void invalidInstructionSetsAre400sNamingTheJsonPath() {
    String dangling = THREE_STEPS.replace("\"mask\": {\"$ref\": 1", "\"mask\": {\"$ref\": 9");
    assertThat(invalidFields(post("/projects/collections", alice, "{\"data\": " + dangling + "}")))
        .containsExactly("data.steps[1].nodePayload.options.layers[1].mask");

    String cycle = THREE_STEPS.replace("\"width\": 1024", "\"width\": 1024, \"init_image\": {\"$ref\": 3}");
    HttpResponse<String> cyclic = post("/projects/collections", alice, "{\"data\": " + cycle + "}");
    assertThat(invalidFields(cyclic)).containsExactly("data.steps[0]");
    assertThat(body(cyclic).at("/details/0/message").asString()).contains("cycle: 1 → 3 → 1");

    String wrong = THREE_STEPS.replace("\"v2\"", "\"v1\"").replace("\"weights\": [1, 3]", "\"weights\": [1]");
    assertThat(invalidFields(post("/projects/collections", alice,
        "{\"title\": \"\", \"blockchain\": \"SOLANA\", \"editions\": 0, \"data\": " + wrong + "}")))
        .containsExactlyInAnyOrder("title", "blockchain", "editions", "data.version", "data.variables[0].value.weights");
    assertThat(data(get("/projects", alice), 200).get("total").longValue()).isZero();
  }

  @Test
  void theThirdPartyCreateEndpointNamesTheInstructionSetAsSent() {
    JsonNode created = data(post("/api/collections/create", alice,
        "{\"title\": \"Via API\", \"description\": \"d\", \"instruction_set\": " + THREE_STEPS + "}"), 201);
    assertThat(created.get("title").asString()).isEqualTo("Via API");
    assertThat(created.get("description").asString()).isEqualTo("d");
    assertThat(stepIds(created.get("data"))).doesNotContain(1L, 2L, 3L);

    String broken = THREE_STEPS.replace("{\"$ref\": 2}", "{\"$ref\": 5}");
    assertThat(invalidFields(post("/api/collections/create", alice, "{\"title\": \"x\", \"instruction_set\": " + broken + "}")))
        .containsExactly("instruction_set.steps[2].nodePayload.inputs[1][0]");
    assertThat(invalidFields(post("/api/collections/create", alice, "{\"instruction_set\": " + THREE_STEPS + "}")))
        .containsExactly("title");
    HttpResponse<String> elsewhere = post("/api/collections/create", bob,
        "{\"title\": \"x\", \"instruction_set\": " + THREE_STEPS + ", \"project_id\": \"" + created.get("project_id").asString() + "\"}");
    failure(elsewhere, 404, "NOT_FOUND");
  }

  @Test
  void aPartialUpdateChangesOnlyTheFieldsSentAndBumpsTheVersion() {
    JsonNode collection = createCollection(alice, "Before", THREE_STEPS);
    HttpResponse<String> response = put(collectionPath(collection), alice,
        "{\"title\": \"After\", \"price\": 0.05, \"blockchain\": \"BASE\", \"publish_date\": \"2030-01-31T12:00:00Z\"}");
    assertThat(response.statusCode()).as(response.body()).isEqualTo(204);
    assertThat(response.headers().firstValue("ETag")).contains("\"1\"");

    JsonNode after = data(get("/collections/" + collection.get("id").asString(), alice), 200);
    assertThat(after.get("title").asString()).isEqualTo("After");
    assertThat(after.get("price").decimalValue()).isEqualByComparingTo("0.05");
    assertThat(after.get("blockchain").asString()).isEqualTo("BASE");
    assertThat(Instant.parse(after.get("publish_date").asString())).isEqualTo(Instant.parse("2030-01-31T12:00:00Z"));
    assertThat(after.get("data")).isEqualTo(collection.get("data"));
    assertThat(after.get("version").longValue()).isEqualTo(1);

    assertThat(put(collectionPath(collection), alice, "{\"price\": null}").statusCode()).isEqualTo(204);
    assertThat(data(get("/collections/" + collection.get("id").asString(), alice), 200).get("price").isNull()).isTrue();
  }

  @Test
  void updatedDataKeepsTheCollectionsComponentIdsAndRenumbersNewSteps() {
    JsonNode collection = createCollection(alice, "Graph", THREE_STEPS);
    JsonNode data = collection.get("data").deepCopy();
    List<Long> ids = stepIds(data);
    // A new step whose id (1) the collection does not own, referring to a step the collection keeps.
    ((ArrayNode) data.get("steps")).add(object(
        "{\"id\": 1, \"nodeName\": \"frame\", \"nodePayload\": {\"base\": {\"$ref\": " + ids.get(0) + "}}}"));

    assertThat(put(collectionPath(collection), alice, "{\"data\": " + data + "}").statusCode()).isEqualTo(204);
    JsonNode updated = data(get("/collections/" + collection.get("id").asString(), alice), 200).get("data");
    List<Long> updatedIds = stepIds(updated);
    assertThat(updatedIds.subList(0, 3)).isEqualTo(ids);
    assertThat(updatedIds.get(3)).isNotIn(1L, ids.get(0), ids.get(1), ids.get(2));
    assertThat(updated.at("/steps/3/fromId").longValue()).isEqualTo(1);
    assertThat(updated.at("/steps/3/nodePayload/base/$ref").longValue()).isEqualTo(ids.get(0));
  }

  @Test
  void updatesRejectUnknownFieldsAndStatusNamingThem() {
    JsonNode collection = createCollection(alice, "Strict", THREE_STEPS);
    assertThat(invalidFields(put(collectionPath(collection), alice, "{\"titel\": \"x\", \"status\": \"published\"}")))
        .containsExactlyInAnyOrder("titel", "status");
    assertThat(invalidFields(put(collectionPath(collection), alice,
        "{\"price\": -1, \"cover_image_url\": \"ftp://x\", \"publish_date\": \"+200000-01-01T00:00:00Z\", \"archived\": \"yes\"}")))
        .containsExactlyInAnyOrder("price", "cover_image_url", "publish_date", "archived");
    assertThat(invalidFields(put(collectionPath(collection), alice, "{\"title\": \"x\"}", "If-Match", "latest")))
        .containsExactly("If-Match");
  }

  @Test
  void aStaleVersionIsAConflictAndNothingIsLost() {
    JsonNode collection = createCollection(alice, "Shared", THREE_STEPS);
    assertThat(put(collectionPath(collection), alice, "{\"title\": \"First\"}", "If-Match", "\"0\"").statusCode())
        .isEqualTo(204);

    HttpResponse<String> stale = put(collectionPath(collection), alice, "{\"description\": \"Second\"}", "If-Match", "\"0\"");
    failure(stale, 409, "CONFLICT");
    failure(put(collectionPath(collection), alice, "{\"description\": \"Second\", \"version\": 0}"), 409, "CONFLICT");

    JsonNode current = data(get("/collections/" + collection.get("id").asString(), alice), 200);
    assertThat(current.get("title").asString()).isEqualTo("First");
    assertThat(current.get("description").isNull()).isTrue();
    assertThat(put(collectionPath(collection), alice, "{\"description\": \"Second\", \"version\": 1}").statusCode()).isEqualTo(204);
  }

  @Test
  void ofConcurrentUpdatesFromTheSameVersionExactlyOneWins() throws Exception {
    JsonNode collection = createCollection(alice, "Contended", THREE_STEPS);
    int writers = 6;
    CountDownLatch start = new CountDownLatch(1);
    List<Callable<Integer>> tasks = new ArrayList<>();
    for (int i = 0; i < writers; i++) {
      String title = "Writer " + i;
      tasks.add(() -> {
        start.await();
        return put(collectionPath(collection), alice, "{\"title\": \"" + title + "\"}", "If-Match", "\"0\"").statusCode();
      });
    }
    List<Integer> statuses = new ArrayList<>();
    try (ExecutorService pool = Executors.newFixedThreadPool(writers)) {
      List<Future<Integer>> results = tasks.stream().map(pool::submit).toList();
      start.countDown();
      for (Future<Integer> result : results) {
        statuses.add(result.get());
      }
    }
    assertThat(statuses).containsOnly(204, 409).filteredOn(s -> s == 204).hasSize(1);
    assertThat(data(get("/collections/" + collection.get("id").asString(), alice), 200).get("version").longValue()).isEqualTo(1);
  }

  @Test
  void anotherUserCannotSeeOrTouchADraft() {
    JsonNode collection = createCollection(alice, "Private", THREE_STEPS);
    String id = collection.get("id").asString();
    String projectId = collection.get("project_id").asString();

    failure(get("/collections/" + id, bob), 404, "NOT_FOUND");
    failure(get("/collections/" + id, CallerIdentity.anonymous()), 404, "NOT_FOUND");
    failure(get("/collections/" + id + "/public", bob), 404, "NOT_FOUND");
    failure(put(collectionPath(collection), bob, "{\"title\": \"Mine now\"}"), 404, "NOT_FOUND");
    failure(get(collectionPath(collection) + "/receivers", bob), 404, "NOT_FOUND");
    failure(post(collectionPath(collection) + "/receivers", bob,
        "{\"receivers\": [{\"address\": \"" + EIP55_ADDRESS + "\", \"value\": 100}]}"), 404, "NOT_FOUND");
    failure(post("/collections/" + id + "/publish", bob, ""), 404, "NOT_FOUND");
    failure(put("/collections/" + id + "/preview", bob, "{\"enabled\": true, \"is_remixable\": true}"), 404, "NOT_FOUND");
    failure(get("/projects/" + projectId + "/collections/current", bob), 404, "NOT_FOUND");
    failure(post("/projects/collections?project_id=" + projectId, bob, "{}"), 404, "NOT_FOUND");
    failure(post("/projects/collections", CallerIdentity.anonymous(), "{}"), 401, "UNAUTHORIZED");

    JsonNode unchanged = data(get("/collections/" + id, alice), 200);
    assertThat(unchanged.get("title").asString()).isEqualTo("Private");
    assertThat(unchanged.get("version").longValue()).isZero();
    // Bob's own project with Alice's collection id in the path is no way in either.
    String bobsProject = data(post("/projects", bob, "{\"name\": \"Bob's\"}"), 201).get("id").asString();
    failure(put("/projects/" + bobsProject + "/collections/" + id, bob, "{\"title\": \"x\"}"), 404, "NOT_FOUND");
  }

  @Test
  void receiversAreValidatedChecksummedAndReplacedAsAWhole() {
    JsonNode collection = createCollection(alice, "Paid", THREE_STEPS);
    String path = collectionPath(collection) + "/receivers";

    JsonNode saved = data(post(path, alice, """
        {"receivers": [
          {"address": "%s", "value": 60, "type": "primary"},
          {"address": "%s", "value": 40},
          {"address": "%s", "value": 2.5, "type": "secondary"}]}
        """.formatted(EIP55_ADDRESS, SECOND_EIP55_ADDRESS.toLowerCase(), TEZOS_ADDRESS)), 200);
    assertThat(saved.findValuesAsString("address")).containsExactly(EIP55_ADDRESS, SECOND_EIP55_ADDRESS, TEZOS_ADDRESS);
    assertThat(saved.findValuesAsString("type")).containsExactly("primary", "primary", "secondary");
    assertThat(data(get(path, alice), 200)).isEqualTo(saved);

    HttpResponse<String> invalid = post(path, alice, """
        {"receivers": [
          {"address": "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD", "value": 50},
          {"address": "tz1VSUr8wwNhLAzempoch5d6hLRiTh8Cjcjc", "value": 0},
          {"address": "%s", "value": 33.333, "type": "tertiary"},
          {"address": "%s", "value": 70}]}
        """.formatted(SECOND_EIP55_ADDRESS, SECOND_EIP55_ADDRESS));
    assertThat(invalidFields(invalid)).containsExactly(
        "receivers[0].address", "receivers[1].address", "receivers[1].value", "receivers[2].value", "receivers[2].type");

    HttpResponse<String> tooMuch = post(path, alice, """
        {"receivers": [{"address": "%s", "value": 60}, {"address": "%s", "value": 40.01}]}
        """.formatted(EIP55_ADDRESS, SECOND_EIP55_ADDRESS));
    assertThat(invalidFields(tooMuch)).containsExactly("receivers");
    assertThat(data(get(path, alice), 200)).isEqualTo(saved);

    assertThat(put(collectionPath(collection), alice, "{\"blockchain\": \"TEZOS\"}").statusCode()).isEqualTo(204);
    assertThat(invalidFields(post(path, alice, "{\"receivers\": [{\"address\": \"" + EIP55_ADDRESS + "\", \"value\": 100}]}")))
        .containsExactly("receivers[0].address");
    assertThat(data(post(path, alice, "{\"receivers\": []}"), 200).isEmpty()).isTrue();
  }

  @Test
  void publishingFollowsTheStateMachine() {
    JsonNode collection = createCollection(alice, "To mint", THREE_STEPS);
    String id = collection.get("id").asString();

    assertThat(invalidFields(post("/collections/" + id + "/publish", alice, "")))
        .containsExactlyInAnyOrder("blockchain", "editions", "receivers");
    assertThat(put(collectionPath(collection), alice, "{\"blockchain\": \"ETHEREUM\", \"editions\": 100}").statusCode()).isEqualTo(204);
    data(post(collectionPath(collection) + "/receivers", alice,
        "{\"receivers\": [{\"address\": \"" + EIP55_ADDRESS + "\", \"value\": 99.99}]}"), 200);
    assertThat(invalidFields(post("/collections/" + id + "/publish", alice, ""))).containsExactly("receivers");
    data(post(collectionPath(collection) + "/receivers", alice,
        "{\"receivers\": [{\"address\": \"" + EIP55_ADDRESS + "\", \"value\": 99.99},"
            + " {\"address\": \"" + SECOND_EIP55_ADDRESS + "\", \"value\": 0.01}]}"), 200);

    JsonNode publishing = data(post("/collections/" + id + "/publish", alice, ""), 202);
    assertThat(publishing.get("status").asString()).isEqualTo("publishing");
    assertThat(publishing.at("/publication/status").asString()).isEqualTo("pending");

    failure(post("/collections/" + id + "/publish", alice, ""), 409, "CONFLICT");
    failure(put(collectionPath(collection), alice, "{\"editions\": 5}"), 409, "CONFLICT");
    failure(post(collectionPath(collection) + "/receivers", alice, "{\"receivers\": []}"), 409, "CONFLICT");
    assertThat(put(collectionPath(collection), alice, "{\"description\": \"Still editable\"}").statusCode()).isEqualTo(204);

    // The publishing service reports a failure: the owner may try again.
    assertThat(publications.failed(UUID.fromString(id), "deployment reverted")).isTrue();
    assertThat(data(get("/collections/" + id, alice), 200).get("status").asString()).isEqualTo("publish_failed");
    failure(get("/collections/" + id, bob), 404, "NOT_FOUND");
    assertThat(data(post("/collections/" + id + "/publish", alice, ""), 202).get("status").asString()).isEqualTo("publishing");

    assertThat(publications.confirmed(UUID.fromString(id), "0x00000000000000000000000000000000000000c0", "0xabc")).isTrue();
    assertThat(publications.confirmed(UUID.fromString(id), "0x00000000000000000000000000000000000000c0", "0xabc")).isFalse();
    failure(post("/collections/" + id + "/publish", alice, ""), 409, "CONFLICT");
    failure(put(collectionPath(collection), alice, "{\"blockchain\": \"BASE\"}"), 409, "CONFLICT");
    failure(put(collectionPath(collection), alice, "{\"data\": " + THREE_STEPS + "}"), 409, "CONFLICT");
    JsonNode published = data(get("/collections/" + id, alice), 200);
    assertThat(published.get("status").asString()).isEqualTo("published");
    assertThat(published.at("/publication/contract_address").asString()).isEqualTo("0x00000000000000000000000000000000000000c0");
  }

  @Test
  void aPublishedCollectionIsPublicWithoutItsPrivateParts() {
    JsonNode collection = publishedCollection(alice, "Public one");
    String id = collection.get("id").asString();
    sampleImages.record(UUID.randomUUID(), UUID.fromString(id), "https://cdn.example/1.png", "first", Instant.parse("2030-01-01T00:00:00Z"));

    JsonNode seenByBob = data(get("/collections/" + id, bob), 200);
    JsonNode seenByAnyone = data(get("/collections/" + id + "/public", CallerIdentity.anonymous()), 200);
    for (JsonNode view : List.of(seenByBob, seenByAnyone)) {
      assertThat(view.get("title").asString()).isEqualTo("Public one");
      assertThat(view.get("status").asString()).isEqualTo("published");
      assertThat(view.get("contract_address").asString()).startsWith("0x");
      assertThat(view.at("/project/user_id").asString()).isEqualTo(alice.userId().orElseThrow());
      assertThat(view.has("data")).isFalse();
      assertThat(view.has("receivers")).isFalse();
      assertThat(view.has("version")).isFalse();
      assertThat(view.toString()).doesNotContain(EIP55_ADDRESS, "portrait of");
    }
    assertThat(seenByBob.has("assets")).isFalse();
    assertThat(seenByAnyone.get("assets").findValuesAsString("url")).containsExactly("https://cdn.example/1.png");

    JsonNode listing = data(get("/collections?page=1&size=100", CallerIdentity.anonymous()), 200);
    assertThat(listing.get("items").findValuesAsString("id")).contains(id);
    assertThat(listing.get("items").findValues("data")).isEmpty();
    assertThat(invalidFields(get("/collections?size=101", CallerIdentity.anonymous()))).containsExactly("size");
  }

  @Test
  void archivingHidesAPublishedCollectionFromTheListing() {
    JsonNode collection = publishedCollection(alice, "Archived later");
    String id = collection.get("id").asString();
    assertThat(put(collectionPath(collection), alice, "{\"archived\": true}").statusCode()).isEqualTo(204);
    JsonNode listing = data(get("/collections?size=100", CallerIdentity.anonymous()), 200);
    assertThat(listing.get("items").findValuesAsString("id")).doesNotContain(id);
    assertThat(data(get("/collections/" + id, alice), 200).get("archived").booleanValue()).isTrue();
  }

  private JsonNode publishedCollection(CallerIdentity owner, String title) {
    JsonNode collection = createCollection(owner, title, THREE_STEPS);
    String id = collection.get("id").asString();
    assertThat(put(collectionPath(collection), owner, "{\"blockchain\": \"BASE\", \"editions\": 3}").statusCode()).isEqualTo(204);
    data(post(collectionPath(collection) + "/receivers", owner,
        "{\"receivers\": [{\"address\": \"" + EIP55_ADDRESS + "\", \"value\": 100}]}"), 200);
    data(post("/collections/" + id + "/publish", owner, ""), 202);
    assertThat(publications.confirmed(UUID.fromString(id), "0x00000000000000000000000000000000000000c1", "0xdef")).isTrue();
    return collection;
  }
}
