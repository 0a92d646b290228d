package io.emprops.collections.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.emprops.collections.domain.Publications;
import io.emprops.web.identity.CallerIdentity;
import java.net.http.HttpResponse;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/** The /projects contract of API.md, "Projects". */
class ProjectsApiTest extends ApiTestSupport {

  @Autowired Publications publications;

  @Test
  void projectsAreCreatedListedNewestFirstWithTheirCollections() {
    JsonNode first = data(post("/projects", alice, "{\"name\": \"  Landscapes \"}"), 201);
    JsonNode second = data(post("/projects", alice, "{\"name\": \"Portraits\"}"), 201);
    assertThat(first.get("name").asString()).isEqualTo("Landscapes");
    assertThat(first.get("is_default").booleanValue()).isFalse();
    JsonNode collection = data(post("/projects/collections?project_id=" + second.get("id").asString(), alice,
        "{\"title\": \"Faces\"}"), 201);

    JsonNode page = data(get("/projects?page=1&size=1", alice), 200);
    assertThat(page.get("total").longValue()).isEqualTo(2);
    assertThat(page.get("total_pages").intValue()).isEqualTo(2);
    JsonNode newest = page.get("items").get(0);
    assertThat(newest.get("id").asString()).isEqualTo(second.get("id").asString());
    assertThat(newest.get("collections").findValuesAsString("id")).containsExactly(collection.get("id").asString());
    assertThat(newest.at("/collections/0/is_current").booleanValue()).isTrue();
    assertThat(data(get("/projects?page=2&size=1", alice), 200).at("/items/0/id").asString())
        .isEqualTo(first.get("id").asString());

    assertThat(data(get("/projects", bob), 200).get("total").longValue()).isZero();
  }

  @Test
  void theUntitledProjectIsCreatedOnceThenReturned() {
    JsonNode created = data(post("/projects/untitled", alice, "{\"version\": \"v2\"}"), 201);
    JsonNode again = data(post("/projects/untitled", alice, "{\"version\": \"v2\"}"), 200);
    assertThat(again.get("id").asString()).isEqualTo(created.get("id").asString());
    assertThat(created.get("is_default").booleanValue()).isTrue();
    assertThat(created.get("name").asString()).isEqualTo("Untitled");

    JsonNode collection = data(post("/projects/collections", alice, "{}"), 201);
    assertThat(collection.get("project_id").asString()).isEqualTo(created.get("id").asString());
    assertThat(invalidFields(post("/projects/untitled", alice, "{\"version\": \"v3\"}"))).containsExactly("version");
  }

  @Test
  void renamingHonoursIfMatch() {
    JsonNode project = data(post("/projects", alice, "{\"name\": \"Draft name\"}"), 201);
    String path = "/projects/" + project.get("id").asString();

    HttpResponse<String> renamed = put(path, alice, "{\"name\": \"Final name\"}", "If-Match", "\"0\"");
    assertThat(data(renamed, 200).get("name").asString()).isEqualTo("Final name");
    assertThat(renamed.headers().firstValue("ETag")).contains("\"1\"");

    failure(put(path, alice, "{\"name\": \"Lost update\"}", "If-Match", "\"0\""), 409, "CONFLICT");
    assertThat(data(get(path, alice), 200).get("name").asString()).isEqualTo("Final name");
    assertThat(invalidFields(put(path, alice, "{\"name\": \" \"}"))).containsExactly("name");
    assertThat(invalidFields(post("/projects", alice, "{\"name\": \"" + "x".repeat(201) + "\"}"))).containsExactly("name");
  }

  @Test
  void deletingAProjectDeletesItsDraftsButNotWhatIsPublished() {
    JsonNode project = data(post("/projects", alice, "{\"name\": \"Temporary\"}"), 201);
    String projectId = project.get("id").asString();
    JsonNode draft = data(post("/projects/collections?project_id=" + projectId, alice, "{}"), 201);

    failure(delete("/projects/" + projectId, bob), 404, "NOT_FOUND");
    assertThat(delete("/projects/" + projectId, alice).statusCode()).isEqualTo(204);
    failure(get("/projects/" + projectId, alice), 404, "NOT_FOUND");
    failure(get("/collections/" + draft.get("id").asString(), alice), 404, "NOT_FOUND");

    JsonNode kept = data(post("/projects", alice, "{\"name\": \"On chain\"}"), 201);
    String keptId = kept.get("id").asString();
    JsonNode collection = data(post("/projects/collections?project_id=" + keptId, alice,
        "{\"blockchain\": \"BASE\", \"editions\": 1, \"data\": " + THREE_STEPS + "}"), 201);
    data(post(collectionPath(collection) + "/receivers", alice,
        "{\"receivers\": [{\"address\": \"" + EIP55_ADDRESS + "\", \"value\": 100}]}"), 200);
    data(post("/collections/" + collection.get("id").asString() + "/publish", alice, ""), 202);
    failure(delete("/projects/" + keptId, alice), 409, "CONFLICT");
    assertThat(data(get("/projects/" + keptId, alice), 200).get("collections").size()).isEqualTo(1);
  }

  @Test
  void anotherUsersProjectDoesNotExistForYou() {
    JsonNode project = data(post("/projects", alice, "{\"name\": \"Alice only\"}"), 201);
    String path = "/projects/" + project.get("id").asString();
    failure(get(path, bob), 404, "NOT_FOUND");
    failure(put(path, bob, "{\"name\": \"Bob's now\"}"), 404, "NOT_FOUND");
    failure(get(path + "/collections/current", bob), 404, "NOT_FOUND");
    failure(get("/projects", CallerIdentity.anonymous()), 401, "UNAUTHORIZED");
    failure(get("/projects/" + UUID.randomUUID(), alice), 404, "NOT_FOUND");
    assertThat(invalidFields(get("/projects/not-a-uuid", alice))).containsExactly("projectId");
    assertThat(data(get(path, alice), 200).get("name").asString()).isEqualTo("Alice only");
  }
}
