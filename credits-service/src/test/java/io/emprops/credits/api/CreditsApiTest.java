package io.emprops.credits.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.emprops.localstack.testing.EmbeddedInfrastructure;
import io.emprops.web.identity.CallerIdentity;
import io.emprops.web.testing.GatewayCalls;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.core.env.Environment;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The /credits contract of API.md, called as the gateway calls it. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@EmbeddedInfrastructure(app = "credits-service")
class CreditsApiTest {

  @Autowired Environment environment;
  private final JsonMapper json = JsonMapper.builder().build();
  private GatewayCalls calls;
  private final String alice = "alice-" + UUID.randomUUID();
  private final CallerIdentity admin = GatewayCalls.user("admin-1", "user", "admin");

  @BeforeEach
  void connect() {
    calls = new GatewayCalls("http://127.0.0.1:" + environment.getProperty("local.server.port"),
        environment.getProperty("emprops.internal.secret"));
  }

  @Test
  void aNewUserSeesTheStartingGrantInBalanceAndHistory() {
    JsonNode balance = data(calls.get("/credits/balance", GatewayCalls.user(alice)), 200);
    assertThat(balance.get("balance").asLong()).isEqualTo(100);
    assertThat(balance.get("reserved").asLong()).isZero();
    assertThat(balance.get("available").asLong()).isEqualTo(100);

    JsonNode history = data(calls.get("/credits/history", GatewayCalls.user(alice)), 200);
    assertThat(history.get("total").asLong()).isEqualTo(1);
    JsonNode entry = history.get("items").get(0);
    assertThat(entry.get("kind").asString()).isEqualTo("grant");
    assertThat(entry.get("amount").asLong()).isEqualTo(100);
    assertThat(entry.has("created_at")).isTrue();
    assertThat(entry.get("id").asString()).hasSize(36);
  }

  @Test
  void anAnonymousCallerIsAskedToAuthenticate() {
    HttpResponse<String> response = calls.get("/credits/balance", CallerIdentity.anonymous());
    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(body(response).get("code").asString()).isEqualTo("UNAUTHORIZED");
  }

  @Test
  void historyIsPagedNewestFirstWithoutOverlap() {
    CallerIdentity caller = GatewayCalls.user(alice);
    for (int i = 1; i <= 4; i++) {
      assertThat(grant(admin, alice, i, "bonus " + i, null).statusCode()).isEqualTo(201);
    }
    JsonNode first = data(calls.get("/credits/history?page=1&size=2", caller), 200);
    JsonNode second = data(calls.get("/credits/history?page=2&size=2", caller), 200);
    JsonNode third = data(calls.get("/credits/history?page=3&size=2", caller), 200);

    assertThat(first.get("total").asLong()).isEqualTo(5);
    assertThat(first.get("total_pages").asInt()).isEqualTo(3);
    assertThat(first.get("items").get(0).get("amount").asLong()).isEqualTo(4);
    assertThat(second.get("items").get(0).get("amount").asLong()).isEqualTo(2);
    assertThat(third.get("items").get(0).get("amount").asLong()).isEqualTo(100);
    assertThat(third.get("items").size()).isEqualTo(1);
  }

  @Test
  void badPagingParametersAre400sNamingTheParameter() {
    CallerIdentity caller = GatewayCalls.user(alice);
    assertThat(field(calls.get("/credits/history?size=0", caller))).isEqualTo("size");
    assertThat(field(calls.get("/credits/history?size=101", caller))).isEqualTo("size");
    assertThat(field(calls.get("/credits/history?page=0", caller))).isEqualTo("page");
    assertThat(field(calls.get("/credits/history?page=abc", caller))).isEqualTo("page");
  }

  @Test
  void onlyAdminsGrant() {
    HttpResponse<String> response = grant(GatewayCalls.user(alice), alice, 1000, "self-service", null);
    assertThat(response.statusCode()).isEqualTo(403);
    assertThat(body(response).get("code").asString()).isEqualTo("FORBIDDEN");
    assertThat(data(calls.get("/credits/balance", GatewayCalls.user(alice)), 200).get("balance").asLong()).isEqualTo(100);
  }

  @Test
  void anAdminGrantIsCreditedAndReported() {
    JsonNode receipt = data(grant(admin, alice, 250, "contest prize", null), 201);
    assertThat(receipt.get("user_id").asString()).isEqualTo(alice);
    assertThat(receipt.get("amount").asLong()).isEqualTo(250);
    assertThat(receipt.get("balance").asLong()).isEqualTo(350);
  }

  @Test
  void invalidGrantsAre400sNamingEachField() {
    HttpResponse<String> response = calls.post("/credits/grants", admin, "{\"user_id\":\" \",\"amount\":0}");
    assertThat(response.statusCode()).isEqualTo(400);
    JsonNode details = body(response).get("details");
    assertThat(details.findValuesAsString("field")).containsExactlyInAnyOrder("user_id", "amount", "reason");

    HttpResponse<String> malformed = calls.post("/credits/grants", admin, "{\"amount\": ");
    assertThat(malformed.statusCode()).isEqualTo(400);
    assertThat(body(malformed).get("code").asString()).isEqualTo("VALIDATION_FAILED");

    HttpResponse<String> wrongType = calls.post("/credits/grants", admin,
        "{\"user_id\":\"u\",\"amount\":\"lots\",\"reason\":\"r\"}");
    assertThat(wrongType.statusCode()).isEqualTo(400);
    assertThat(body(wrongType).get("code").asString()).isEqualTo("VALIDATION_FAILED");
    assertThat(body(wrongType).get("details").findValuesAsString("field")).containsExactly("amount");
  }

  @Test
  void aRetriedGrantWithTheSameIdempotencyKeyCreditsOnce() {
    String key = "grant-" + UUID.randomUUID();
    JsonNode first = data(grant(admin, alice, 50, "refund of outage", key), 201);
    JsonNode again = data(grant(admin, alice, 50, "refund of outage", key), 200);

    assertThat(again.get("id").asString()).isEqualTo(first.get("id").asString());
    assertThat(data(calls.get("/credits/balance", GatewayCalls.user(alice)), 200).get("balance").asLong()).isEqualTo(150);

    HttpResponse<String> reused = grant(admin, alice, 51, "refund of outage", key);
    assertThat(reused.statusCode()).isEqualTo(409);
    assertThat(body(reused).get("code").asString()).isEqualTo("CONFLICT");
  }

  private HttpResponse<String> grant(CallerIdentity caller, String userId, long amount, String reason, String key) {
    String payload = "{\"user_id\":\"" + userId + "\",\"amount\":" + amount + ",\"reason\":\"" + reason + "\"}";
    HttpRequest.Builder request = calls.request("POST", "/credits/grants", caller, HttpRequest.BodyPublishers.ofString(payload));
    if (key != null) {
      request.header("Idempotency-Key", key);
    }
    return calls.send(request.build());
  }

  private JsonNode body(HttpResponse<String> response) {
    return json.readTree(response.body());
  }

  private JsonNode data(HttpResponse<String> response, int expectedStatus) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(expectedStatus);
    JsonNode body = body(response);
    assertThat(body.get("error").isNull()).isTrue();
    return body.get("data");
  }

  private String field(HttpResponse<String> response) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
    return body(response).get("details").get(0).get("field").asString();
  }
}
