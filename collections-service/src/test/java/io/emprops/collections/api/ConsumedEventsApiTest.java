package io.emprops.collections.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.emprops.events.contract.AssetDeleted;
import io.emprops.events.contract.AssetStored;
import io.emprops.events.contract.Blockchain;
import io.emprops.events.contract.ChainSupportAnnounced;
import io.emprops.events.contract.PublicationConfirmed;
import io.emprops.events.contract.PublicationFailed;
import io.emprops.events.contract.PublicationSubmitted;
import io.emprops.web.identity.CallerIdentity;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * What the service makes of the events it consumes (docs/events.md): the publishing service's
 * outcomes and the storage service's assets, sent to Kafka as those services' relays send them and
 * observed through the API.
 */
class ConsumedEventsApiTest extends EventConsumingApiTestSupport {

  private static final long BASE_CHAIN_ID = 8453;
  private static final String CONTRACT = "0x00000000000000000000000000000000000000d1";

  @Test
  void aConfirmedPublicationPublishesTheCollectionOnceHoweverOftenItIsDelivered() {
    UUID id = publishingCollection();
    sender.send(new PublicationSubmitted(id, Blockchain.BASE, BASE_CHAIN_ID, "0xfeed", CONTRACT, Instant.now()));
    JsonNode submitted = awaitCollection(id, c -> "0xfeed".equals(c.at("/publication/tx_hash").asString()));
    assertThat(submitted.get("status").asString()).isEqualTo("publishing");
    assertThat(submitted.at("/publication/status").asString()).isEqualTo("pending");
    assertThat(submitted.at("/publication/contract_address").asString()).isEqualTo(CONTRACT);

    double duplicatesBefore = handled("collections.publication-confirmed", "duplicate");
    PublicationConfirmed confirmed = new PublicationConfirmed(
        id, Blockchain.BASE, BASE_CHAIN_ID, CONTRACT, "0xfeed", 1234, 12, Instant.now());
    UUID eventId = sender.send(confirmed);
    sender.send(confirmed, eventId);

    await().atMost(HANDLED)
        .until(() -> handled("collections.publication-confirmed", "duplicate") >= duplicatesBefore + 1);
    JsonNode published = data(get("/collections/" + id, alice), 200);
    assertThat(published.get("status").asString()).isEqualTo("published");
    assertThat(published.at("/publication/status").asString()).isEqualTo("confirmed");
    assertThat(published.at("/publication/contract_address").asString()).isEqualTo(CONTRACT);
    // One transition, one claim: the second delivery was acknowledged without running the handler.
    assertThat(published.get("version").longValue()).isEqualTo(submitted.get("version").longValue() + 1);
    assertThat(jdbc.sql("SELECT count(*) FROM inbox WHERE event_id = ?").param(eventId).query(Long.class).single())
        .isEqualTo(1);
  }

  @Test
  void aFailedPublicationLetsTheOwnerTryAgain() {
    UUID id = publishingCollection();
    sender.send(new PublicationFailed(id, Blockchain.BASE, BASE_CHAIN_ID, "TX_REVERTED", "deployment reverted",
        "0xbad", Instant.now()));

    JsonNode failed = awaitCollection(id, c -> "publish_failed".equals(c.get("status").asString()));
    assertThat(failed.at("/publication/status").asString()).isEqualTo("failed");
    assertThat(failed.at("/publication/error").asString()).isEqualTo("deployment reverted");
    assertThat(data(post("/collections/" + id + "/publish", alice, ""), 202).get("status").asString())
        .isEqualTo("publishing");
  }

  @Test
  void aBlockchainPublishingAnnouncedItCannotPublishIsRefusedWith422BeforeAnythingChanges() {
    JsonNode collection = createCollection(alice, "On Tezos", THREE_STEPS);
    String id = collection.get("id").asString();
    assertThat(put(collectionPath(collection), alice, "{\"blockchain\": \"TEZOS\", \"editions\": 3}").statusCode())
        .isEqualTo(204);
    data(post(collectionPath(collection) + "/receivers", alice,
        "{\"receivers\": [{\"address\": \"" + TEZOS_ADDRESS + "\", \"value\": 100}]}"), 200);
    long version = data(get("/collections/" + id, alice), 200).get("version").longValue();

    UUID announcement = sender.send(new ChainSupportAnnounced(Blockchain.TEZOS, null, null, false, null,
        "Tezos publishing is not available yet", Instant.now()));
    await().atMost(HANDLED).until(() -> isHandled("collections.record-chain-support", announcement));

    JsonNode refused = failure(post("/collections/" + id + "/publish", alice, ""), 422, "CHAIN_UNSUPPORTED");
    assertThat(refused.get("error").asString())
        .isEqualTo("TEZOS collections cannot be published: Tezos publishing is not available yet");
    JsonNode unchanged = data(get("/collections/" + id, alice), 200);
    assertThat(unchanged.get("status").asString()).isEqualTo("draft");
    assertThat(unchanged.get("version").longValue()).isEqualTo(version);

    // A later announcement that it can is honoured (the latest per blockchain counts).
    UUID supported = sender.send(new ChainSupportAnnounced(Blockchain.TEZOS, "mainnet", null, true, 2, null,
        Instant.now()));
    await().atMost(HANDLED).until(() -> isHandled("collections.record-chain-support", supported));
    assertThat(data(post("/collections/" + id + "/publish", alice, ""), 202).get("status").asString())
        .isEqualTo("publishing");
  }

  @Test
  void generatedImagesOfACollectionAreItsSamplesUntilDeleted() {
    JsonNode template = createTemplate(alice, "Sampled");
    UUID id = UUID.fromString(template.get("id").asString());
    String owner = alice.userId().orElseThrow();
    UUID jobId = UUID.randomUUID();
    AssetStored upload = new AssetStored(UUID.randomUUID(), owner, id, null, null, null,
        "s3://emprops/uploads/cover.png", "https://cdn.example/cover.png", "image/png", 2048, "00", Instant.now());
    AssetStored generated = new AssetStored(UUID.randomUUID(), owner, id, jobId, 0, 1001,
        "s3://emprops/generations/0-1001.png", "https://cdn.example/0-1001.png", "image/png", 4096, "01",
        Instant.now());
    AssetStored generatedText = new AssetStored(UUID.randomUUID(), owner, id, jobId, 0, 1002,
        "s3://emprops/generations/0-1002.txt", null, "text/plain", 12, "02", Instant.now());
    List<UUID> eventIds = List.of(sender.send(upload), sender.send(generated), sender.send(generatedText));

    // Assets have keys of their own, so their order is not defined: wait until all were handled.
    await().atMost(HANDLED).until(() -> eventIds.stream().allMatch(this::isHandled));
    assertThat(sampleImageUrls(id)).containsExactly("https://cdn.example/0-1001.png");

    sender.send(new AssetDeleted(generated.assetId(), owner, id, Instant.now()));
    await().atMost(HANDLED).until(() -> sampleImageUrls(id).isEmpty());
  }

  /** A new collection of alice's, publication requested (status {@code publishing}). */
  private UUID publishingCollection() {
    CallerIdentity owner = alice;
    JsonNode collection = createCollection(owner, "To publish", THREE_STEPS);
    String id = collection.get("id").asString();
    assertThat(put(collectionPath(collection), owner, "{\"blockchain\": \"BASE\", \"editions\": 3}").statusCode())
        .isEqualTo(204);
    data(post(collectionPath(collection) + "/receivers", owner,
        "{\"receivers\": [{\"address\": \"" + EIP55_ADDRESS + "\", \"value\": 100}]}"), 200);
    assertThat(data(post("/collections/" + id + "/publish", owner, ""), 202).get("status").asString())
        .isEqualTo("publishing");
    return UUID.fromString(id);
  }

  private JsonNode awaitCollection(UUID id, Predicate<JsonNode> condition) {
    return await().atMost(HANDLED).until(() -> data(get("/collections/" + id, alice), 200), condition);
  }

  /** The sample images the public feed shows for the collection. */
  private List<String> sampleImageUrls(UUID collectionId) {
    JsonNode feed = data(get("/feed?size=0", CallerIdentity.anonymous()), 200);
    return feed.get("collections").valueStream()
        .filter(entry -> entry.get("id").asString().equals(collectionId.toString()))
        .findFirst().orElseThrow()
        .get("sample_images").findValuesAsString("url");
  }
}
