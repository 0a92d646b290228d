package io.emprops.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.emprops.e2e.api.ApiFuzzer;
import io.emprops.e2e.api.OpenApiDocument;
import io.emprops.e2e.api.SchemaConformance;
import io.emprops.localstack.infra.DevTokenIssuer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The public API as its documentation presents it, on the real stack started by the bare
 * {@code ./run} (the {@link SharedStack}, after {@link LocalStackEndToEndTest}: the fuzz run's
 * refused credentials count against the address's failed-authentication limit): the merged OpenAPI document agrees with real responses, the browsable docs
 * render in a real browser without a token, and a fuzz run generated from the document finds no
 * 5xx, no non-envelope error, no stack trace and no internal address (issue 12, items 6 and 8).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@ExtendWith(SharedStack.Extension.class)
@Order(2)
class PublicApiConformanceTest {

  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final JsonMapper json = JsonMapper.builder().build();
  private RunningStack stack;
  private OpenApiDocument document;
  private String userToken;
  private final Map<String, String> knownIds = new LinkedHashMap<>();

  @BeforeAll
  void readTheDocumentOfTheSharedStack(SharedStack shared) throws Exception {
    stack = shared.stack();
    HttpResponse<String> docs = send("GET", "/v3/api-docs", null, null);
    assertThat(docs.statusCode()).isEqualTo(200);
    document = new OpenApiDocument(json.readTree(docs.body()));
    assertThat(document.raw().path("x-services").properties())
        .allSatisfy(service -> assertThat(service.getValue().asString()).as(service.getKey()).isEqualTo("available"));
    userToken = mint("conformance-" + UUID.randomUUID(), "user,admin");
  }

  /**
   * Every documented operation a user can read, and the writes that create what they read, are
   * called for real; each JSON answer is checked against the schema documented for its status.
   * The scenario creates one of each resource (project, collection, a generation run to its end,
   * an uploaded asset, a webhook endpoint, an API key) so that the reads by id answer 200 too.
   */
  @Test
  @Order(1)
  void documentedSchemasMatchRealResponses() throws Exception {
    List<String> mismatches = new ArrayList<>();
    Set<String> checked = new TreeSet<>();
    SchemaConformance conformance = new SchemaConformance(document);
    Map<String, String> idsByFirstSegment = new HashMap<>();

    HttpResponse<String> project = check(conformance, "post", "/projects", "/projects",
        "{\"name\": \"Conformance\", \"description\": \"checked against its schema\"}", mismatches, checked);
    assertThat(project.statusCode()).as(project.body()).isEqualTo(201);
    String projectId = json.readTree(project.body()).path("data").path("id").asString();
    HttpResponse<String> collection = check(conformance, "post", "/projects/collections",
        "/projects/collections?project_id=" + projectId,
        "{\"title\": \"Conformance\", \"blockchain\": \"BASE\", \"editions\": 5, \"price\": 0.01}",
        mismatches, checked);
    assertThat(collection.statusCode()).as(collection.body()).isEqualTo(201);
    String collectionId = json.readTree(collection.body()).path("data").path("id").asString();

    // The catalogue the local stack seeds: a workflow and a model to read by id.
    String workflowId = null;
    for (JsonNode workflow : json.readTree(send("GET", "/workflows", userToken, null).body()).path("data")) {
      if ("mock-image".equals(workflow.path("name").asString())) {
        workflowId = workflow.path("id").asString();
      }
    }
    assertThat(workflowId).as("the local stack seeds mock-image").isNotNull();
    idsByFirstSegment.put("workflows", workflowId);
    JsonNode models = json.readTree(send("GET", "/models", userToken, null).body()).path("data");
    if (!models.isEmpty()) {
      idsByFirstSegment.put("models", models.get(0).path("id").asString());
    }

    // A generation run to its end: the job, its steps, its history and its stored output.
    HttpResponse<String> generated = check(conformance, "post", "/api/collections/generate", "/api/collections/generate", """
        {"title": "Conformance run", "workflow_id": "%s", "variables": {"prompt": "a lighthouse"}, "generations": 1,
         "metadata": {"editions": 10, "price": 0.01, "blockchain": "BASE"}}""".formatted(workflowId), mismatches, checked);
    assertThat(generated.statusCode()).as(generated.body()).isEqualTo(201);
    String jobId = json.readTree(generated.body()).path("data").path("job_id").asString();
    JsonNode job = awaitJobEnd(jobId);
    assertThat(job.path("status").asString()).as(job.toString()).isEqualTo("completed");
    idsByFirstSegment.put("assets", job.path("outputs").get(0).path("asset_id").asString());

    HttpResponse<String> webhook = check(conformance, "post", "/webhooks", "/webhooks",
        "{\"url\": \"http://127.0.0.1:9/conformance\", \"event_types\": [\"job.completed\"], \"description\": \"conformance\"}",
        mismatches, checked);
    assertThat(webhook.statusCode()).as(webhook.body()).isEqualTo(201);
    idsByFirstSegment.put("webhooks", json.readTree(webhook.body()).path("data").path("id").asString());
    HttpResponse<String> apiKey = check(conformance, "post", "/api-keys", "/api-keys",
        "{\"name\": \"conformance\"}", mismatches, checked);
    assertThat(apiKey.statusCode()).as(apiKey.body()).isEqualTo(201);
    idsByFirstSegment.put("api-keys", json.readTree(apiKey.body()).path("data").path("id").asString());

    knownIds.putAll(Map.of("projectId", projectId, "collectionId", collectionId, "jobId", jobId,
        "id", collectionId, "uuid", projectId));

    List<String> notAnswered = new ArrayList<>();
    for (OpenApiDocument.Operation operation : document.operations()) {
      if (!operation.method().equals("get") || operation.path().endsWith("/events") || operation.path().equals("/ws")) {
        continue;
      }
      String firstSegment = operation.path().split("/")[1];
      String path = operation.path()
          .replace("{projectId}", projectId).replace("{collectionId}", collectionId).replace("{jobId}", jobId)
          .replaceAll("\\{[^}]+}", idsByFirstSegment.getOrDefault(firstSegment, collectionId));
      HttpResponse<String> answer = check(conformance, "get", operation.path(), path, null, mismatches, checked);
      if (answer.statusCode() / 100 != 2) {
        notAnswered.add(operation + " → " + answer.statusCode());
      }
    }
    System.out.println("conformance: " + checked.size() + " of " + document.operations().size()
        + " operations answered 2xx JSON and were checked: " + checked);
    System.out.println("conformance: reads that did not answer 2xx here: " + notAnswered);
    assertThat(mismatches).as("documented schema vs the wire").isEmpty();
    assertThat(checked).as("operations checked").hasSizeGreaterThanOrEqualTo(25);
  }

  private JsonNode awaitJobEnd(String jobId) {
    return await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250)).until(
        () -> json.readTree(send("GET", "/jobs/" + jobId, userToken, null).body()).path("data"),
        job -> Set.of("completed", "failed", "cancelled").contains(job.path("status").asString()));
  }

  private HttpResponse<String> check(SchemaConformance conformance, String method, String template,
      String path, String body, List<String> mismatches, Set<String> checked) throws Exception {
    HttpResponse<String> response = send(method.toUpperCase(), path, userToken, body);
    boolean jsonAnswer = response.headers().firstValue("Content-Type").orElse("").contains("json");
    if (response.statusCode() / 100 != 2 || !jsonAnswer) {
      return response;
    }
    OpenApiDocument.Operation operation = document.operations().stream()
        .filter(o -> o.method().equals(method) && o.path().equals(template)).findFirst().orElseThrow(
            () -> new AssertionError(method + " " + template + " is not documented"));
    var schema = document.responseSchema(operation, response.statusCode());
    if (schema.isEmpty()) {
      mismatches.add(operation + " " + response.statusCode() + ": no JSON schema documented for this status");
      return response;
    }
    conformance.mismatches(json.readTree(response.body()), schema.get())
        .forEach(problem -> mismatches.add(operation + " " + response.statusCode() + " " + problem));
    checked.add(operation.toString());
    return response;
  }

  /** /docs in headless Chromium, no token: the UI renders every service's operations and "Authorize". */
  @Test
  @Order(2)
  void theBrowsableDocsRenderInARealBrowserWithoutAToken() throws Exception {
    Assumptions.assumeTrue(Files.isExecutable(CHROMIUM) || System.getenv("CI") != null,
        "Debian's chromium is not installed here (.ci/run installs it)");
    Path profile = Files.createTempDirectory("emprops-chromium-");
    Path dom = Files.createTempFile("emprops-docs-", ".html");
    Process browser = new ProcessBuilder(CHROMIUM.toString(), "--headless", "--no-sandbox", "--disable-gpu",
        "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--user-data-dir=" + profile, "--virtual-time-budget=20000", "--dump-dom",
        stack.gatewayUrl + "/docs")
        .redirectOutput(dom.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    assertThat(browser.waitFor(2, TimeUnit.MINUTES)).as("chromium finished").isTrue();
    String page = Files.readString(dom);
    assertThat(page).as("the Swagger UI rendered").contains("swagger-ui").contains("Authorize");
    for (String path : List.of("/projects", "/collections/{collectionId}", "/credits/balance", "/jobs/{jobId}",
        "/assets", "/chains", "/api-keys", "/webhooks")) {
      assertThat(page).as("operation " + path + " listed").contains(path);
    }
    assertThat(page).doesNotContain("UNAUTHORIZED");
  }

  /** The fuzz run of issue 12 item 8, over every documented operation. */
  @Test
  @Order(3)
  void aFuzzRunOverEveryDocumentedOperationFindsNothing() throws Exception {
    Set<String> internal = new HashSet<>();
    for (String service : List.of("collections-service", "credits-service", "generator-service",
        "publishing-service", "storage-service", "webhooks-service", "postgres", "kafka", "redis")) {
      internal.add("127.0.0.1:" + stack.port(service));
      internal.add("localhost:" + stack.port(service));
    }
    ApiFuzzer.Report report = new ApiFuzzer(stack.gatewayUrl, document,
        () -> mint("fuzz-" + UUID.randomUUID(), "user,admin"), knownIds, internal).run();
    System.out.println(report);
    report.findings().stream().limit(40).forEach(finding -> System.out.println("  " + finding));
    assertThat(report.operations()).isEqualTo(document.operations().size());
    assertThat(report.findings()).as(report.toString()).isEmpty();
    assertThat(report.retriedAfterTimeout()).as("requests that needed a second try").isLessThanOrEqualTo(3);
  }

  private String mint(String user, String roles) {
    return DevTokenIssuer.mint(stack.dataDirectory.resolve("dev-issuer").resolve("signing-key.json"),
        user, List.of(roles.split(",")), Duration.ofHours(1));
  }

  private HttpResponse<String> send(String method, String path, String token, String body) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(stack.gatewayUrl + path))
        .timeout(Duration.ofSeconds(30))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      request.header("Content-Type", "application/json");
    }
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}
