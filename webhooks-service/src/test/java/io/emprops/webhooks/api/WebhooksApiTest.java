package io.emprops.webhooks.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.emprops.webhooks.support.WebhooksClient;
import io.emprops.webhooks.support.WebhooksServiceTest;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/** {@code /webhooks} endpoints: registration, secrets shown once and sealed, changes, owners only, validation. */
@WebhooksServiceTest
class WebhooksApiTest {

  @Autowired Environment environment;
  @Autowired JdbcClient jdbc;
  private WebhooksClient alice;
  private WebhooksClient bob;

  @BeforeEach
  void clients() {
    String base = "http://127.0.0.1:" + environment.getProperty("local.server.port");
    String secret = environment.getProperty("emprops.internal.secret");
    alice = new WebhooksClient(base, secret, "alice-" + UUID.randomUUID());
    bob = new WebhooksClient(base, secret, "bob-" + UUID.randomUUID());
  }

  @Test
  void anEndpointIsRegisteredWithASecretShownOnceAndStoredSealed() {
    JsonNode created = alice.call("POST", "/webhooks", """
        {"url": "https://hooks.example.com/emprops", "event_types": ["job.*", "asset.stored"],
         "description": "my app"}""", 201);
    String id = created.get("id").asString();
    String secret = created.get("secret").asString();
    assertThat(secret).matches("whsec_[A-Za-z0-9+/]{43}=");
    assertThat(created.get("enabled").asBoolean()).isTrue();
    assertThat(created.get("event_types").toString()).isEqualTo("[\"job.*\",\"asset.stored\"]");

    JsonNode read = alice.call("GET", "/webhooks/" + id, null, 200);
    assertThat(read.has("secret")).as("the secret is never shown again").isFalse();
    assertThat(read.get("url").asString()).isEqualTo("https://hooks.example.com/emprops");
    assertThat(alice.call("GET", "/webhooks", null, 200).get("items")).hasSize(1);
    byte[] stored = jdbc.sql("SELECT sealed FROM endpoint_secrets WHERE endpoint_id = ?").param(UUID.fromString(id))
        .query(byte[].class).single();
    assertThat(new String(stored, java.nio.charset.StandardCharsets.ISO_8859_1)).doesNotContain(secret.substring(6));
  }

  @Test
  void anEndpointChangesPartiallyAndIsDeleted() {
    String id = alice.register("https://hooks.example.com/a", "job.completed").get("id").asString();

    JsonNode changed = alice.call("PATCH", "/webhooks/" + id,
        "{\"event_types\": [\"publication.*\"], \"description\": \"publications\", \"enabled\": false}", 200);
    assertThat(changed.get("url").asString()).isEqualTo("https://hooks.example.com/a");
    assertThat(changed.get("event_types").get(0).asString()).isEqualTo("publication.*");
    assertThat(changed.get("enabled").asBoolean()).isFalse();
    assertThat(changed.get("disabled_reason").asString()).isEqualTo("disabled by its owner");
    JsonNode cleared = alice.call("PATCH", "/webhooks/" + id, "{\"description\": null, \"enabled\": true}", 200);
    assertThat(cleared.get("description").isNull()).isTrue();
    assertThat(cleared.get("disabled_reason").isNull()).isTrue();

    assertThat(alice.send("DELETE", "/webhooks/" + id, null).statusCode()).isEqualTo(204);
    assertThat(alice.send("GET", "/webhooks/" + id, null).statusCode()).isEqualTo(404);
  }

  @Test
  void anotherUsersEndpointDoesNotExistForTheCaller() {
    String id = alice.register("https://hooks.example.com/a", "*").get("id").asString();
    for (var response : List.of(bob.send("GET", "/webhooks/" + id, null),
        bob.send("PATCH", "/webhooks/" + id, "{\"enabled\": false}"),
        bob.send("DELETE", "/webhooks/" + id, null),
        bob.send("POST", "/webhooks/" + id + "/rotate-secret", null),
        bob.send("POST", "/webhooks/" + id + "/test", null),
        bob.send("GET", "/webhooks/" + id + "/deliveries", null))) {
      assertThat(response.statusCode()).as(response.body()).isEqualTo(404);
      assertThat(WebhooksClient.json(response.body()).get("code").asString()).isEqualTo("NOT_FOUND");
    }
    assertThat(alice.call("GET", "/webhooks/" + id, null, 200).get("enabled").asBoolean()).isTrue();
  }

  @Test
  void invalidRegistrationsAreRefusedNamingTheField() {
    assertThat(field(alice.send("POST", "/webhooks", "{\"url\": \"http://hooks.example.com/\", \"event_types\": [\"*\"]}")))
        .isEqualTo("url");
    assertThat(field(alice.send("POST", "/webhooks", "{\"url\": \"ftp://hooks.example.com/\", \"event_types\": [\"*\"]}")))
        .isEqualTo("url");
    assertThat(field(alice.send("POST", "/webhooks",
        "{\"url\": \"https://user:pw@hooks.example.com/\", \"event_types\": [\"*\"]}"))).isEqualTo("url");
    assertThat(field(alice.send("POST", "/webhooks",
        "{\"url\": \"https://hooks.example.com/\", \"event_types\": [\"job.completed\", \"job.exploded\"]}")))
        .isEqualTo("event_types[1]");
    assertThat(field(alice.send("POST", "/webhooks", "{\"url\": \"https://hooks.example.com/\", \"event_types\": []}")))
        .isEqualTo("event_types");
    assertThat(field(alice.send("POST", "/webhooks", "{\"url\": \"https://hooks.example.com/\"}")))
        .isEqualTo("event_types");
    assertThat(field(alice.send("PATCH", "/webhooks/" + alice.register("https://hooks.example.com/", "*").get("id")
        .asString(), "{\"secret\": \"whsec_mine\"}"))).isEqualTo("secret");
    assertThat(alice.send("POST", "/webhooks", "{not json").statusCode()).isEqualTo(400);
  }

  @Test
  void bodiesFollowTheStrictInputRulesNothingIsCoerced() {
    String id = alice.register("https://hooks.example.com/strict", "*").get("id").asString();
    // A string is not a boolean: "false" would otherwise register an enabled endpoint as disabled.
    assertThat(field(alice.send("POST", "/webhooks",
        "{\"url\": \"https://hooks.example.com/\", \"event_types\": [\"*\"], \"enabled\": \"false\"}")))
        .isEqualTo("enabled");
    assertThat(field(alice.send("POST", "/webhooks",
        "{\"url\": \"https://hooks.example.com/\", \"event_types\": \"job.*\"}"))).isEqualTo("event_types");
    assertThat(field(alice.send("POST", "/webhooks",
        "{\"url\": \"https://hooks.example.com/\", \"event_types\": [\"*\"], \"description\": \"a\\u0000b\"}")))
        .isEqualTo("description");
    assertThat(field(alice.send("PATCH", "/webhooks/" + id, "{\"enabled\": 0}"))).isEqualTo("enabled");
    assertThat(field(alice.send("PATCH", "/webhooks/" + id, "{\"description\": \"a\\u0000b\"}")))
        .isEqualTo("description");
    assertThat(field(alice.send("POST", "/webhooks/" + id + "/rotate-secret", "{\"overlap_seconds\": \"3600\"}")))
        .isEqualTo("overlap_seconds");
    assertThat(field(alice.send("POST", "/webhooks/" + id + "/rotate-secret", "{\"overlap_seconds\": 1.5}")))
        .isEqualTo("overlap_seconds");
    assertThat(field(alice.send("POST", "/webhooks/" + id + "/deliveries/replay",
        "{\"since\": \"+10000-01-01T00:00:00Z\"}"))).isEqualTo("since");
    assertThat(field(alice.send("POST", "/webhooks/" + id + "/deliveries/replay",
        "{\"since\": \"2026-01-01T00:00:00Z\", \"only_failed\": \"no\"}"))).isEqualTo("only_failed");
    // Nothing of it was applied.
    JsonNode unchanged = alice.call("GET", "/webhooks/" + id, null, 200);
    assertThat(unchanged.get("enabled").asBoolean()).isTrue();
    assertThat(unchanged.get("description").isNull()).isTrue();
    assertThat(alice.call("GET", "/webhooks", null, 200).get("items")).hasSize(1);
  }

  @Test
  void privateLinkLocalAndMetadataAddressesAreRefusedEvenInLocalMode() {
    for (String url : List.of("https://10.0.0.7/hook", "https://192.168.1.20/hook", "http://169.254.169.254/latest/",
        "https://169.254.169.254/latest/meta-data", "https://[fd00::1]/hook", "https://100.64.0.1/hook")) {
      assertThat(field(alice.send("POST", "/webhooks", "{\"url\": \"" + url + "\", \"event_types\": [\"*\"]}")))
          .as(url).isEqualTo("url");
    }
    // Local mode (the local stack): a receiver on this machine's loopback may use http.
    assertThat(alice.register("http://127.0.0.1:9/hook", "*").get("url").asString()).isEqualTo("http://127.0.0.1:9/hook");
  }

  @Test
  void rotationReturnsANewSecretAndWhenThePreviousOneStopsSigning() {
    JsonNode created = alice.register("https://hooks.example.com/r", "*");
    String id = created.get("id").asString();
    JsonNode rotated = alice.call("POST", "/webhooks/" + id + "/rotate-secret", "{\"overlap_seconds\": 3600}", 200);
    assertThat(rotated.get("secret").asString()).startsWith("whsec_").isNotEqualTo(created.get("secret").asString());
    assertThat(rotated.get("previous_secret_expires_at").asString()).isNotBlank();
    assertThat(field(alice.send("POST", "/webhooks/" + id + "/rotate-secret", "{\"overlap_seconds\": -1}")))
        .isEqualTo("overlap_seconds");
  }

  @Test
  void theEventTypeCatalogListsEveryTypeAsAvailableTokenEventsIncluded() {
    JsonNode types = alice.call("GET", "/webhooks/event-types", null, 200);
    List<String> names = new ArrayList<>();
    types.forEach(t -> names.add(t.get("type").asString()));
    assertThat(names).contains("job.started", "job.progress", "job.completed", "job.failed", "job.cancelled",
        "asset.stored", "publication.confirmed", "publication.failed", "token.minted", "token.ready");
    types.forEach(t -> {
      assertThat(t.get("available").asBoolean()).as(t.get("type").asString()).isTrue();
      assertThat(t.get("note").isNull()).as(t.get("type").asString()).isTrue();
    });
    assertThat(alice.register("https://hooks.example.com/t", "token.minted").get("event_types").get(0).asString())
        .isEqualTo("token.minted");
  }

  private static String field(java.net.http.HttpResponse<String> response) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
    JsonNode body = WebhooksClient.json(response.body());
    assertThat(body.get("code").asString()).isEqualTo("VALIDATION_FAILED");
    return body.get("details").get(0).get("field").asString();
  }
}
