package io.emprops.publishing.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.emprops.events.contract.Blockchain;
import io.emprops.events.contract.CollectionPublishRequested;
import io.emprops.events.contract.Receiver;
import io.emprops.events.contract.Topic;
import io.emprops.events.testing.EventDelivery;
import io.emprops.localstack.testing.EmbeddedInfrastructure;
import io.emprops.web.identity.CallerIdentity;
import io.emprops.web.testing.GatewayCalls;
import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.core.env.Environment;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The publishing endpoints of API.md as the gateway calls them, on the service configured as the
 * local stack runs it (the stack's anvil, publishing ETHEREUM and BASE).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@EmbeddedInfrastructure(app = "publishing-service")
class PublishingApiTest {

  private static final CallerIdentity OWNER = GatewayCalls.user("api-owner");
  private static final CallerIdentity STRANGER = GatewayCalls.user("api-stranger");
  private static final String ARTIST = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
  private static final String ROYALTIES = "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC";

  @Autowired Environment environment;
  private final JsonMapper json = JsonMapper.builder().build();
  private GatewayCalls calls;

  @BeforeEach
  void connect() {
    calls = new GatewayCalls("http://127.0.0.1:" + environment.getProperty("local.server.port"),
        environment.getProperty("emprops.internal.secret"));
  }

  @Test
  void chainsListEveryBlockchainWithTheNetworksConfiguredForIt() {
    JsonNode chains = data(calls.get("/chains", OWNER), 200);
    JsonNode local = chains.valueStream().filter(c -> "anvil".equals(c.get("network").asString())
        && "BASE".equals(c.get("blockchain").asString())).findFirst().orElseThrow();
    assertThat(local.get("chain_id").asLong()).isEqualTo(31337);
    assertThat(local.get("enabled").asBoolean()).isTrue();
    assertThat(local.get("confirmations").asInt()).isEqualTo(1);
    JsonNode tezos = chains.valueStream().filter(c -> "TEZOS".equals(c.get("blockchain").asString()))
        .findFirst().orElseThrow();
    assertThat(tezos.get("enabled").asBoolean()).isFalse();
    assertThat(tezos.get("reason").asString()).contains("Tezos publishing is not available yet");
    JsonNode mainnet = chains.valueStream().filter(c -> c.get("chain_id").asLong() == 1).findFirst().orElseThrow();
    assertThat(mainnet.get("enabled").asBoolean()).isFalse();
    assertThat(mainnet.get("reason").asString()).contains("no RPC URL configured");
  }

  @Test
  void theOwnerFollowsThePublicationToConfirmedAndItsMetadataIsServed() {
    UUID id = UUID.randomUUID();
    try (EventDelivery events = new EventDelivery(Topic.DEFAULT_NAMESPACE)) {
      events.send(new CollectionPublishRequested(id, UUID.randomUUID(), OWNER.userId().orElseThrow(), 4, "Api Test",
          "Published by the API test", Blockchain.ETHEREUM, 12, new BigDecimal("0.02"), "https://cdn.emprops.test/c.png",
          false, null, false, List.of(new Receiver(ARTIST, new BigDecimal("100"), "primary"),
              new Receiver(ROYALTIES, new BigDecimal("7.5"), "secondary")), Instant.now()));
    }
    String path = "/collections/" + id + "/publication";
    JsonNode confirmed = await().atMost(Duration.ofSeconds(60)).until(
        () -> calls.get(path, OWNER).statusCode() == 200 ? data(calls.get(path, OWNER), 200) : null,
        p -> p != null && "confirmed".equals(p.get("status").asString()));
    assertThat(confirmed.get("blockchain").asString()).isEqualTo("ETHEREUM");
    assertThat(confirmed.get("chain_id").asLong()).isEqualTo(31337);
    assertThat(confirmed.get("contract_address").asString()).matches("0x[0-9a-fA-F]{40}");
    assertThat(confirmed.get("tx_hash").asString()).matches("0x[0-9a-f]{64}");
    assertThat(confirmed.get("block_number").asLong()).isPositive();
    assertThat(confirmed.get("confirmations").asInt()).isEqualTo(1);
    assertThat(confirmed.get("error").isNull()).isTrue();
    // Confirmed: its contract is public anyway.
    assertThat(calls.get(path, STRANGER).statusCode()).isEqualTo(200);

    HttpResponse<String> metadata = calls.get("/metadata/" + id + "/contract", CallerIdentity.anonymous());
    assertThat(metadata.statusCode()).isEqualTo(200);
    assertThat(metadata.headers().firstValue("Cache-Control").orElseThrow()).contains("max-age=86400", "public");
    JsonNode contract = json.readTree(metadata.body());
    assertThat(contract.get("name").asString()).isEqualTo("Api Test");
    assertThat(contract.get("symbol").asString()).isEqualTo("AT");
    assertThat(contract.get("image").asString()).isEqualTo("https://cdn.emprops.test/c.png");
    assertThat(contract.get("external_link").asString()).endsWith("/collections/" + id);
    assertThat(contract.get("seller_fee_basis_points").asInt()).isEqualTo(750);
    assertThat(contract.get("fee_recipient").asString()).isEqualTo(ROYALTIES);
    assertThat(contract.get("collaborators").valueStream().map(JsonNode::asString).toList()).containsExactly(ARTIST);
  }

  @Test
  void unknownPublicationsAndMetadataAre404InTheEnvelope() {
    UUID unknown = UUID.randomUUID();
    assertThat(failure(calls.get("/collections/" + unknown + "/publication", OWNER), 404)).isEqualTo("NOT_FOUND");
    assertThat(failure(calls.get("/metadata/" + unknown + "/contract", CallerIdentity.anonymous()), 404))
        .isEqualTo("NOT_FOUND");
    assertThat(failure(calls.get("/collections/not-a-uuid/publication", OWNER), 400)).isEqualTo("VALIDATION_FAILED");
  }

  @Test
  void anotherUsersPendingPublicationIsNotShown() {
    UUID id = UUID.randomUUID();
    try (EventDelivery events = new EventDelivery(Topic.DEFAULT_NAMESPACE)) {
      events.send(new CollectionPublishRequested(id, UUID.randomUUID(), OWNER.userId().orElseThrow(), 1, "Tezos",
          null, Blockchain.TEZOS, 1, BigDecimal.ONE, null, false, null, false,
          List.of(new Receiver("tz1VSUr8wwNhLAzempoch5d6hLRiTh8Cjcjb", new BigDecimal("100"), "primary")),
          Instant.now()));
    }
    String path = "/collections/" + id + "/publication";
    await().atMost(Duration.ofSeconds(30)).until(() -> calls.get(path, OWNER).statusCode() == 200);
    JsonNode failed = data(calls.get(path, OWNER), 200);
    assertThat(failed.get("status").asString()).isEqualTo("failed");
    assertThat(failed.get("error").asString()).startsWith("CHAIN_UNSUPPORTED: ");
    assertThat(failed.get("tx_hash").isNull()).isTrue();
    assertThat(failure(calls.get(path, STRANGER), 404)).isEqualTo("NOT_FOUND");
  }

  private JsonNode data(HttpResponse<String> response, int status) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    return json.readTree(response.body()).get("data");
  }

  private String failure(HttpResponse<String> response, int status) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    return json.readTree(response.body()).get("code").asString();
  }
}
