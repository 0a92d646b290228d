package io.emprops.generator.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.emprops.localstack.testing.EmbeddedInfrastructure;
import io.emprops.web.identity.CallerIdentity;
import io.emprops.web.testing.GatewayCalls;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** /workflows and /models as API.md describes them, called as the gateway calls them. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@EmbeddedInfrastructure(app = "generator-service")
class WorkflowsAndModelsApiTest {

  @Autowired Environment environment;
  @Autowired JdbcClient jdbc;
  private final JsonMapper json = JsonMapper.builder().build();
  private GatewayCalls calls;
  private final CallerIdentity admin = GatewayCalls.user("admin-1", "user", "admin");
  private final CallerIdentity alice = GatewayCalls.user("alice");

  @BeforeEach
  void connect() {
    calls = new GatewayCalls("http://127.0.0.1:" + environment.getProperty("local.server.port"),
        environment.getProperty("emprops.internal.secret"));
  }

  private String workflowJson(String name, String modelsJson) {
    return """
        {"name": "%s", "description": "test", "type": "direct_job", "service_required": "mock", "credits_cost": 2,
         "models": %s,
         "data": {"template": {"prompt": "a {{subject}} in {{style}} style", "steps": "{{steps}}"},
                  "fields": [{"name": "subject", "type": "text", "required": true},
                             {"name": "style", "type": "select", "options": ["ink", "oil"], "default": "ink"},
                             {"name": "steps", "type": "integer", "min": 1, "max": 50, "default": 20}]}}"""
        .formatted(name, modelsJson);
  }

  private JsonNode createWorkflow(String name) {
    return data(calls.post("/workflows", admin, workflowJson(name, "[]")), 201);
  }

  @Test
  void theLocalExamplesAreSeededAndRenderable() {
    JsonNode list = data(calls.get("/workflows", alice), 200);
    assertThat(list.findValuesAsString("name")).contains("mock-image", "sdxl-comfy", "openai-image");
    String mockId = null;
    for (JsonNode w : list) {
      if (w.get("name").asString().equals("mock-image")) {
        mockId = w.get("id").asString();
      }
    }
    JsonNode dryRun = data(calls.post("/workflows/" + mockId + "/test", alice,
        "{\"variables\": {\"prompt\": \"a lighthouse\"}}"), 200);
    assertThat(dryRun.get("payload")).isEqualTo(json.readTree(
        "{\"prompt\": \"a lighthouse\", \"width\": 256, \"height\": 256, \"seed\": 0}"));
    assertThat(dryRun.get("service_required").asString()).isEqualTo("mock");
  }

  @Test
  void aDryRunRendersTheExactPayloadWithTypedValuesAndDefaults() {
    String id = createWorkflow("dry-" + UUID.randomUUID()).get("id").asString();
    JsonNode dryRun = data(calls.post("/workflows/" + id + "/test", alice,
        "{\"variables\": {\"subject\": \"heron\", \"steps\": 35}}"), 200);

    assertThat(dryRun.get("payload")).isEqualTo(json.readTree("{\"prompt\": \"a heron in ink style\", \"steps\": 35}"));
    assertThat(dryRun.get("credits_cost").asLong()).isEqualTo(2);
    assertThat(dryRun.get("type").asString()).isEqualTo("direct_job");
  }

  @Test
  void dryRunValidationNamesEachVariable() {
    String id = createWorkflow("val-" + UUID.randomUUID()).get("id").asString();
    HttpResponse<String> response = calls.post("/workflows/" + id + "/test", alice,
        "{\"variables\": {\"style\": \"watercolour\", \"steps\": 51, \"colour\": \"red\"}}");
    assertThat(response.statusCode()).isEqualTo(400);
    JsonNode details = body(response).get("details");
    assertThat(details.findValuesAsString("field"))
        .containsExactlyInAnyOrder("variables.subject", "variables.style", "variables.steps", "variables.colour");
    assertThat(response.body()).contains("must be one of: ink, oil", "must be at most 50", "is required");
  }

  @Test
  void aFetchApiWorkflowMayOnlyCallAPublicHttpUrlNamedLiterally() {
    for (String url : List.of("file:///etc/passwd", "gopher://example.com/_x", "http://127.0.0.1:8080/x",
        "http://169.254.169.254/latest/meta-data/", "http://[::1]/x", "http://{{host}}/x", "http://localhost/x")) {
      HttpResponse<String> refused = calls.post("/workflows", admin, fetchWorkflow(url));
      assertThat(refused.statusCode()).as(url).isEqualTo(400);
      assertThat(body(refused).get("details").findValuesAsString("field")).as(url).contains("data.template.url");
    }
    HttpResponse<String> accepted = calls.post("/workflows", admin, fetchWorkflow("https://api.example.com/v1/{{prompt}}"));
    assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(201);
  }

  private static String fetchWorkflow(String url) {
    return """
        {"name": "fetch-%s", "type": "fetch_api", "credits_cost": 1,
         "data": {"template": {"method": "GET", "url": "%s"},
                  "fields": [{"name": "prompt", "type": "text", "required": true}],
                  "output": {"json_path": "$.url"}}}""".formatted(UUID.randomUUID(), url);
  }

  @Test
  void anUnknownWorkflowIsAWorkflowNotFound() {
    HttpResponse<String> response = calls.get("/workflows/" + UUID.randomUUID(), alice);
    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(body(response).get("code").asString()).isEqualTo("WORKFLOW_NOT_FOUND");
  }

  @Test
  void onlyAdminsWriteWorkflowsAndInvalidDefinitionsNameTheirProblems() {
    assertThat(calls.post("/workflows", alice, workflowJson("x-" + UUID.randomUUID(), "[]")).statusCode()).isEqualTo(403);
    HttpResponse<String> invalid = calls.post("/workflows", admin, """
        {"name": "Bad Name", "type": "shell_script", "data": {"template": {"a": "{{undeclared}}"}}, "credits_cost": -1}""");
    assertThat(invalid.statusCode()).isEqualTo(400);
    assertThat(body(invalid).get("details").findValuesAsString("field"))
        .contains("name", "type", "credits_cost");

    HttpResponse<String> undeclared = calls.post("/workflows", admin, """
        {"name": "undeclared-%s", "type": "direct_job", "service_required": "mock",
         "data": {"template": {"a": "{{undeclared}}"}}}""".formatted(UUID.randomUUID()));
    assertThat(undeclared.statusCode()).isEqualTo(400);
    assertThat(undeclared.body()).contains("data.template", "{{undeclared}}");
  }

  @Test
  void aSecondWorkflowWithTheSameNameIsAConflict() {
    String name = "dup-" + UUID.randomUUID();
    createWorkflow(name);
    HttpResponse<String> again = calls.post("/workflows", admin, workflowJson(name, "[]"));
    assertThat(again.statusCode()).isEqualTo(409);
  }

  @Test
  void aStaleIfMatchIsAConflictNotALostUpdate() {
    JsonNode created = createWorkflow("ver-" + UUID.randomUUID());
    String id = created.get("id").asString();
    String name = created.get("name").asString();
    HttpRequest first = calls.request("PUT", "/workflows/" + id, admin,
        HttpRequest.BodyPublishers.ofString(workflowJson(name, "[]").replace("\"test\"", "\"first\""))).header("If-Match", "\"0\"").build();
    assertThat(calls.send(first).statusCode()).isEqualTo(200);
    HttpRequest stale = calls.request("PUT", "/workflows/" + id, admin,
        HttpRequest.BodyPublishers.ofString(workflowJson(name, "[]").replace("\"test\"", "\"second\""))).header("If-Match", "\"0\"").build();
    HttpResponse<String> conflict = calls.send(stale);
    assertThat(conflict.statusCode()).isEqualTo(409);
    assertThat(data(calls.get("/workflows/" + id, alice), 200).get("description").asString()).isEqualTo("first");
  }

  @Test
  void aGatedModelsCredentialIsEncryptedNeverReturnedAndChecked() {
    String name = "org/gated-" + UUID.randomUUID();
    JsonNode model = data(calls.post("/models", admin,
        "{\"name\": \"" + name + "\", \"gated\": true, \"credential\": \"hf_supersecret\"}"), 201);
    assertThat(model.get("has_credential").asBoolean()).isTrue();
    assertThat(model.toString()).doesNotContain("hf_supersecret");
    byte[] stored = jdbc.sql("SELECT credential_ciphertext FROM models WHERE name = ?").param(name)
        .query((rs, n) -> rs.getBytes(1)).single();
    assertThat(new String(stored, java.nio.charset.StandardCharsets.ISO_8859_1)).doesNotContain("hf_supersecret");
    assertThat(calls.get("/models", alice).body()).doesNotContain("hf_supersecret");

    JsonNode check = data(calls.get("/models/validate-auth?model=" + java.net.URLEncoder.encode(name, java.nio.charset.StandardCharsets.UTF_8), alice), 200);
    assertThat(check.get("usable").asBoolean()).isTrue();
    assertThat(check.get("credentials_configured").asBoolean()).isTrue();
  }

  @Test
  void aWorkflowNeedingAGatedModelWithoutCredentialIsNotExecutable() {
    String name = "gated-missing-" + UUID.randomUUID();
    String modelId = data(calls.post("/models", admin, "{\"name\": \"" + name + "\", \"gated\": true}"), 201).get("id").asString();
    JsonNode check = data(calls.get("/models/validate-auth?model=" + name, alice), 200);
    assertThat(check.get("usable").asBoolean()).isFalse();
    assertThat(check.get("problem").asString()).contains("no credential");

    String workflowId = data(calls.post("/workflows", admin,
        workflowJson("needs-gated-" + UUID.randomUUID(), "[\"" + modelId + "\"]")), 201).get("id").asString();
    assertThat(data(calls.get("/workflows/" + workflowId + "/models", alice), 200).get(0).get("name").asString()).isEqualTo(name);
    HttpResponse<String> dryRun = calls.post("/workflows/" + workflowId + "/test", alice, "{\"variables\": {\"subject\": \"x\"}}");
    assertThat(dryRun.statusCode()).isEqualTo(422);
    assertThat(body(dryRun).get("code").asString()).isEqualTo("MODEL_UNAVAILABLE");
  }

  @Test
  void batchLookupReportsFoundAndMissingModels() {
    String name = "batch-" + UUID.randomUUID();
    data(calls.post("/models", admin, "{\"name\": \"" + name + "\"}"), 201);
    JsonNode batch = data(calls.post("/models/batch", alice, "{\"names\": [\"" + name + "\", \"nope-model\"]}"), 200);
    assertThat(batch.get("models").findValuesAsString("name")).containsExactly(name);
    assertThat(batch.get("missing").get(0).asString()).isEqualTo("nope-model");
    assertThat(calls.post("/models/batch", alice, "{\"names\": []}").statusCode()).isEqualTo(400);
    assertThat(calls.get("/models/validate-auth?model=unknown-model", alice).statusCode()).isEqualTo(404);
  }

  private JsonNode body(HttpResponse<String> response) {
    return json.readTree(response.body());
  }

  private JsonNode data(HttpResponse<String> response, int status) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    return body(response).get("data");
  }
}
