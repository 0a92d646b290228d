package io.emprops.web.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.emprops.web.identity.CallerIdentity;
import io.emprops.web.identity.IdentityHeaders;
import io.emprops.web.identity.InternalCredential;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * What every domain service must do from its first commit, checked against its real schema:
 * probes answer, metrics are exported, its Flyway history is applied in its own schema, and it
 * admits only requests carrying the gateway's credential, answering everything in the envelope.
 *
 * <p>A service's test extends this and adds {@code @EmbeddedInfrastructure(app = "...")}.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
public abstract class ServiceFoundationContract {

  @Autowired
  protected Environment environment;

  @Autowired
  protected JdbcTemplate jdbc;

  protected GatewayCalls calls;
  protected String baseUrl;

  /** The tables the service's migrations must have created in its schema. */
  protected abstract List<String> expectedTables();

  /** What readiness checks besides its own state: the database and the outbox relay, unless a service says otherwise. */
  protected List<String> readinessDependencies() {
    return List.of("db", "outboxRelay");
  }

  @BeforeEach
  void connect() {
    baseUrl = "http://127.0.0.1:" + environment.getProperty("local.server.port");
    calls = new GatewayCalls(baseUrl, environment.getProperty("emprops.internal.secret"));
  }

  protected String schema() {
    return environment.getProperty("emprops.service.schema");
  }

  @Test
  void livenessAndReadinessProbesAnswerWithoutCredential() {
    for (String probe : List.of("/actuator/health/liveness", "/actuator/health/readiness")) {
      HttpResponse<String> response = calls.send(HttpRequest.newBuilder(URI.create(baseUrl + probe)).build());
      assertThat(response.statusCode()).as(probe).isEqualTo(200);
      assertThat(response.body()).contains("\"UP\"");
    }
  }

  @Test
  void readinessIsMadeOfTheServiceDependenciesEachUp() {
    HttpResponse<String> response = calls.send(
        HttpRequest.newBuilder(URI.create(baseUrl + "/actuator/health/readiness")).build());
    assertThat(response.statusCode()).isEqualTo(200);
    tools.jackson.databind.JsonNode components = tools.jackson.databind.json.JsonMapper.shared()
        .readTree(response.body()).path("components");
    List<String> expected = new java.util.ArrayList<>(readinessDependencies());
    expected.add("readinessState");
    assertThat(components.propertyNames()).as(response.body()).containsExactlyInAnyOrderElementsOf(expected);
    for (String name : expected) {
      assertThat(components.path(name).path("status").asString()).as(name).isEqualTo("UP");
    }
    assertThat(response.body()).as("no details in a public probe").doesNotContain("\"details\"");
  }

  @Test
  void prometheusExportsJvmAndHttpMetrics() {
    calls.get("/actuator/health", CallerIdentity.anonymous());
    HttpResponse<String> response = calls.send(
        HttpRequest.newBuilder(URI.create(baseUrl + "/actuator/prometheus")).build());
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).contains("jvm_memory_used_bytes", "hikaricp_connections");
  }

  @Test
  void migrationsRanInTheServiceOwnSchemaAsItsOwnRole() {
    assertThat(jdbc.queryForObject("SELECT current_user", String.class)).isEqualTo(schema());
    assertThat(jdbc.queryForObject(
        "SELECT count(*) FROM " + schema() + ".flyway_schema_history WHERE version = '1' AND success",
        Integer.class)).isEqualTo(1);
    List<String> tables = jdbc.queryForList(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = ?", String.class, schema());
    assertThat(tables).containsAll(expectedTables());
  }

  @Test
  void requestWithoutInternalCredentialIsRejectedInTheEnvelope() {
    HttpResponse<String> response = calls.send(HttpRequest.newBuilder(URI.create(baseUrl + "/anything"))
        .header(IdentityHeaders.USER_ID, "mallory").build());
    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.body()).isEqualTo(
        "{\"data\":null,\"error\":\"Requests must come through the gateway\",\"code\":\"UNAUTHORIZED\"}");
  }

  @Test
  void credentialSignedWithAnotherSecretIsRejected() {
    var forger = new InternalCredential("not-the-secret-but-long-enough-to-be-accepted-here");
    CallerIdentity mallory = GatewayCalls.user("mallory", "admin");
    HttpResponse<String> response = calls.send(HttpRequest.newBuilder(URI.create(baseUrl + "/anything"))
        .header(IdentityHeaders.USER_ID, "mallory")
        .header(IdentityHeaders.USER_ROLES, "admin")
        .header(IdentityHeaders.INTERNAL_AUTH, forger.sign("GET", "/anything", mallory))
        .build());
    assertThat(response.statusCode()).isEqualTo(401);
  }

  @Test
  void credentialIsBoundToItsIdentityAndPath() {
    CallerIdentity alice = GatewayCalls.user("alice");
    HttpRequest signedForAlice = calls.request("GET", "/anything", alice, HttpRequest.BodyPublishers.noBody()).build();
    String header = signedForAlice.headers().firstValue(IdentityHeaders.INTERNAL_AUTH).orElseThrow();

    HttpResponse<String> asAdmin = calls.send(HttpRequest.newBuilder(URI.create(baseUrl + "/anything"))
        .header(IdentityHeaders.USER_ID, "alice").header(IdentityHeaders.USER_ROLES, "admin")
        .header(IdentityHeaders.INTERNAL_AUTH, header).build());
    HttpResponse<String> otherPath = calls.send(HttpRequest.newBuilder(URI.create(baseUrl + "/elsewhere"))
        .header(IdentityHeaders.USER_ID, "alice").header(IdentityHeaders.INTERNAL_AUTH, header).build());

    assertThat(asAdmin.statusCode()).isEqualTo(401);
    assertThat(otherPath.statusCode()).isEqualTo(401);
  }

  @Test
  void whatTheServletContainerRefusesItselfIsAnEnvelopeWithoutInternals() {
    int port = Integer.parseInt(environment.getProperty("local.server.port"));
    for (String target : List.of("/anything/%ff", "/anything/%", "/any%00thing")) {
      RawHttp.Response response = new RawHttp(port).get(target);
      assertThat(response.status()).as(target).isEqualTo(400);
      assertThat(response.header("Content-Type")).as(target).startsWith("application/json");
      assertThat(response.body()).as(target)
          .startsWith("{\"data\":null,\"error\":").contains("\"code\":\"VALIDATION_FAILED\"")
          .doesNotContain("127.0.0.1").doesNotContain("<").doesNotContainIgnoringCase("tomcat")
          .doesNotContainIgnoringCase("jetty");
      assertThat(response.header("X-Content-Type-Options")).as(target).isEqualTo("nosniff");
    }
  }

  @Test
  void aQueryParameterWithAnEncodedNulIsA400NamingIt() {
    CallerIdentity alice = GatewayCalls.user("alice");
    String credential = new InternalCredential(environment.getProperty("emprops.internal.secret"))
        .sign("GET", "/anything", alice);
    RawHttp.Response response = new RawHttp(Integer.parseInt(environment.getProperty("local.server.port")))
        .get("/anything?model=%00", IdentityHeaders.USER_ID + ": alice", IdentityHeaders.USER_ROLES + ": ",
            IdentityHeaders.INTERNAL_AUTH + ": " + credential);
    assertThat(response.status()).isEqualTo(400);
    assertThat(response.body()).contains("\"field\":\"model\"");
  }

  /** Multipart is parsed before any handler is chosen: a body without its boundary is the client's mistake. */
  @Test
  void aMultipartBodyWithoutItsBoundaryIsA400InTheEnvelope() {
    HttpResponse<String> response = calls.send(calls.request("POST", "/anything", GatewayCalls.user("alice"),
            HttpRequest.BodyPublishers.ofString("{\"name\":\"x\"}"))
        .setHeader("Content-Type", "multipart/form-data").build());
    if (environment.getProperty("spring.servlet.multipart.enabled", Boolean.class, true)) {
      assertThat(response.statusCode()).isEqualTo(400);
      assertThat(response.body()).startsWith("{\"data\":null,\"error\":\"Malformed multipart request body")
          .contains("\"code\":\"VALIDATION_FAILED\"");
    } else {
      // A service that streams multipart itself (storage) leaves it to the endpoint: here, none.
      assertThat(response.statusCode()).isEqualTo(404);
    }
  }

  @Test
  void unknownPathThroughTheGatewayIsA404InTheEnvelope() {
    HttpResponse<String> response = calls.get("/no-such-endpoint", GatewayCalls.user("alice"));
    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(response.body()).isEqualTo("{\"data\":null,\"error\":\"No such endpoint\",\"code\":\"NOT_FOUND\"}");
  }

  /**
   * The service's OpenAPI document names what goes over the wire (issue 12): snake_case property
   * names, no caller-identity parameter (the gateway supplies it), no {@code /error} path, and the
   * two credential schemes a client can paste into the browsable docs.
   */
  @Test
  void apiDocumentDescribesTheWireRatherThanTheCode() throws Exception {
    HttpResponse<String> response = calls.get("/v3/api-docs", CallerIdentity.anonymous());
    assertThat(response.statusCode()).isEqualTo(200);
    tools.jackson.databind.JsonNode document = tools.jackson.databind.json.JsonMapper.shared().readTree(response.body());
    assertThat(document.path("paths").propertyNames()).isNotEmpty().doesNotContain("/error");
    List<String> propertyNames = new java.util.ArrayList<>();
    document.path("components").path("schemas").forEach(schema ->
        propertyNames.addAll(schema.path("properties").propertyNames()));
    assertThat(propertyNames).isNotEmpty().allMatch(name -> name.matches("[a-z][a-z0-9_]*"), "snake_case");
    List<String> parameters = new java.util.ArrayList<>();
    document.path("paths").forEach(item -> item.forEach(operation ->
        operation.path("parameters").forEach(parameter -> parameters.add(parameter.path("name").asString()))));
    assertThat(parameters).doesNotContain("caller");
    assertThat(document.path("components").path("securitySchemes").propertyNames()).contains("bearer", "api_key");
  }
}
