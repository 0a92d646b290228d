package io.emprops.collections.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.emprops.localstack.testing.EmbeddedInfrastructure;
import io.emprops.web.identity.CallerIdentity;
import io.emprops.web.testing.GatewayCalls;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.core.env.Environment;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Calls the service as the gateway does, against its real schema. Each test works with users of
 * its own (random ids), so tests never see each other's private data.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@EmbeddedInfrastructure(app = "collections-service")
abstract class ApiTestSupport {

  static final JsonMapper JSON = JsonMapper.builder().build();

  /** Three steps; step 2 refers to 1 in a nested object and inside arrays; step 3 to 1 and 2. */
  static final String THREE_STEPS = """
      {"version": "v2",
       "steps": [
         {"id": 1, "nodeName": "stable-diffusion-xl", "alias": "Main",
          "nodePayload": {"prompt": "portrait of {{subject}}, {{style}} style", "width": 1024}},
         {"id": 2, "nodeName": "upscaler",
          "nodePayload": {"image": {"$ref": 1},
                          "options": {"layers": [{"source": {"$ref": 1}}, {"mask": {"$ref": 1, "channel": "alpha"}}]}}},
         {"id": 3, "nodeName": "compose", "nodePayload": {"inputs": [{"$ref": 1}, [{"$ref": 2}]]}}],
       "generations": {"generations": 4, "hashes": [], "use_custom_hashes": false},
       "variables": [
         {"name": "style", "type": "pick",
          "value": {"display_names": ["A", "B"], "values": ["a", "b"], "weights": [1, 3]},
          "lock_value": false, "test_value": "a"},
         {"name": "subject", "type": "text", "value": "person", "description": "Who is portrayed"}]}
      """;

  static final String EIP55_ADDRESS = "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed";
  static final String SECOND_EIP55_ADDRESS = "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359";
  static final String TEZOS_ADDRESS = "tz1VSUr8wwNhLAzempoch5d6hLRiTh8Cjcjb";

  @Autowired Environment environment;
  GatewayCalls calls;

  final CallerIdentity alice = GatewayCalls.user("alice-" + UUID.randomUUID());
  final CallerIdentity bob = GatewayCalls.user("bob-" + UUID.randomUUID());

  @BeforeEach
  void connect() {
    calls = new GatewayCalls("http://127.0.0.1:" + environment.getProperty("local.server.port"),
        environment.getProperty("emprops.internal.secret"));
  }

  HttpResponse<String> get(String path, CallerIdentity caller) {
    return calls.get(path, caller);
  }

  HttpResponse<String> post(String path, CallerIdentity caller, String json) {
    return calls.post(path, caller, json);
  }

  HttpResponse<String> put(String path, CallerIdentity caller, String json, String... headers) {
    HttpRequest.Builder request = calls.request("PUT", path, caller, HttpRequest.BodyPublishers.ofString(json));
    if (headers.length > 0) {
      request.headers(headers);
    }
    return calls.send(request.build());
  }

  HttpResponse<String> delete(String path, CallerIdentity caller) {
    return calls.send(calls.request("DELETE", path, caller, HttpRequest.BodyPublishers.noBody()).build());
  }

  static JsonNode body(HttpResponse<String> response) {
    return JSON.readTree(response.body());
  }

  /** The payload of a successful response, after checking its status. */
  static JsonNode data(HttpResponse<String> response, int expectedStatus) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(expectedStatus);
    JsonNode body = body(response);
    assertThat(body.get("error").isNull()).as(response.body()).isTrue();
    return body.get("data");
  }

  /** The error body, after checking the status and that no data leaked. */
  static JsonNode failure(HttpResponse<String> response, int expectedStatus, String code) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(expectedStatus);
    JsonNode body = body(response);
    assertThat(body.get("data").isNull()).isTrue();
    assertThat(body.get("code").asString()).isEqualTo(code);
    return body;
  }

  /** The fields named by a 400's details. */
  static List<String> invalidFields(HttpResponse<String> response) {
    return failure(response, 400, "VALIDATION_FAILED").path("details").findValuesAsString("field");
  }

  /** Creates a collection in the caller's default project. */
  JsonNode createCollection(CallerIdentity owner, String title, String instructionSet) {
    return data(post("/projects/collections", owner,
        "{\"title\": \"" + title + "\", \"data\": " + instructionSet + "}"), 201);
  }

  /** Creates a collection and opens it for the feed and for remixing. */
  JsonNode createTemplate(CallerIdentity owner, String title) {
    JsonNode collection = createCollection(owner, title, THREE_STEPS);
    data(put("/collections/" + collection.get("id").asString() + "/preview", owner,
        "{\"enabled\": true, \"is_remixable\": true}"), 200);
    return collection;
  }

  static String collectionPath(JsonNode collection) {
    return "/projects/" + collection.get("project_id").asString() + "/collections/" + collection.get("id").asString();
  }

  static List<Long> stepIds(JsonNode data) {
    return data.get("steps").valueStream().map(s -> s.get("id").longValue()).toList();
  }

  static ObjectNode object(String json) {
    return (ObjectNode) JSON.readTree(json);
  }
}
