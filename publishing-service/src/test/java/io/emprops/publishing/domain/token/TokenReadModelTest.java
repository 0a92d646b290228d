package io.emprops.publishing.domain.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.emprops.events.contract.EventJson;
import io.emprops.events.contract.GenerationCompleted;
import io.emprops.events.contract.GenerationFailed;
import io.emprops.events.contract.GenerationOutput;
import io.emprops.events.contract.GenerationStarted;
import io.emprops.events.contract.GenerationStepCompleted;
import io.emprops.events.contract.TokenMinted;
import io.emprops.events.contract.TokenReady;
import io.emprops.events.testing.EventDelivery;
import io.emprops.events.testing.TopicRecorder;
import io.emprops.publishing.domain.publication.DeploymentPlan;
import io.emprops.publishing.testing.PublishingServiceRun;
import io.emprops.web.identity.CallerIdentity;
import io.emprops.web.testing.GatewayCalls;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Tokens as the mint loop makes them: the chain follower's row (inserted here as it would insert
 * it), then the generation events of the token's job as the generator sends them. The service runs
 * with its relay, on a schema and event namespace of its own, so {@code TokenReady} is read from
 * Kafka as consumers get it.
 */
class TokenReadModelTest {

  private static final Duration EVENTS = Duration.ofSeconds(60);
  private static final String OWNER = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
  private static final String CONTRACT = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
  private static final String PLACEHOLDER = "https://cdn.emprops.test/placeholder.png";
  private static final String METADATA_BASE = "https://api.emprops.test";
  private static final CallerIdentity ANONYMOUS = CallerIdentity.anonymous();
  private static final String STARTED = "publishing.token-generation-started";
  private static final String COMPLETED = "publishing.token-generation-completed";
  private static final String FAILED = "publishing.token-generation-failed";

  private static PublishingServiceRun service;
  private static ConfigurableApplicationContext context;
  private static EventDelivery events;
  private static TopicRecorder publications;
  private static GatewayCalls calls;
  private static JdbcClient jdbc;
  private static JsonMapper json;

  @BeforeAll
  static void start() {
    service = PublishingServiceRun.offChain().withRelay()
        .property("emprops.publishing.tokens.placeholder-image-url", PLACEHOLDER)
        .property("emprops.publishing.metadata-base-url", METADATA_BASE);
    context = service.start();
    events = new EventDelivery(service.namespace());
    publications = new TopicRecorder(List.of(service.namespace() + ".publications"));
    calls = new GatewayCalls("http://127.0.0.1:" + context.getEnvironment().getProperty("local.server.port"),
        context.getEnvironment().getProperty("emprops.internal.secret"));
    jdbc = context.getBean(JdbcClient.class);
    json = context.getBean(JsonMapper.class);
  }

  @AfterAll
  static void stop() throws InterruptedException {
    if (publications != null) {
      publications.close();
    }
    if (events != null) {
      events.close();
    }
    if (context != null) {
      context.close();
    }
  }

  @Test
  void aMintedTokenGoesThroughItsGenerationToReadyWithItsImageAndDrawnValues_announcedOnce() {
    UUID collection = publishedCollection("Lighthouses");
    String hash = mint(collection, 1);
    UUID job = TokenMinted.generationJobIdOf(collection, 1, hash);

    // Minted: listed, metadata with the placeholder while the image is made, briefly cacheable.
    JsonNode minted = onlyToken(collection);
    assertThat(minted.get("token_id").asLong()).isEqualTo(1);
    assertThat(minted.get("owner").asString()).isEqualTo(OWNER);
    assertThat(minted.get("hash").asString()).isEqualTo(hash);
    assertThat(minted.get("tx_hash").asString()).startsWith("0x");
    assertThat(minted.get("block_number").asLong()).isEqualTo(42);
    assertThat(minted.get("status").asString()).isEqualTo("minted");
    assertThat(minted.get("image_url").isNull()).isTrue();
    assertThat(minted.get("metadata_url").asString()).isEqualTo(METADATA_BASE + "/metadata/" + collection + "/1");
    HttpResponse<String> early = calls.get(metadataPath(collection, 1), ANONYMOUS);
    assertThat(early.statusCode()).isEqualTo(200);
    assertThat(early.headers().firstValue("Cache-Control").orElseThrow()).contains("max-age=30");
    JsonNode placeholder = json.readTree(early.body());
    assertThat(placeholder.get("name").asString()).isEqualTo("Lighthouses #1");
    assertThat(placeholder.get("image").asString()).isEqualTo(PLACEHOLDER);
    assertThat(traits(placeholder)).containsEntry("status", "generating");

    events.send(new GenerationStarted(job, "owner-1", collection, 1, 2, Instant.now()));
    await().atMost(EVENTS).until(() -> "generating".equals(onlyToken(collection).get("status").asString()));

    JsonNode variables = json.readTree("{\"style\": \"b\", \"subject\": \"a lighthouse keeper\", \"steps\": 30}");
    events.send(step(job, collection, 1, hash, variables));
    events.send(step(job, collection, 2, hash, variables));
    await().atMost(EVENTS).until(() -> traits(metadata(collection, 1)).containsKey("style"));

    UUID finalImage = UUID.randomUUID();
    GenerationCompleted completed = new GenerationCompleted(job, "owner-1", collection, 0, List.of(
        new GenerationOutput(0, 1, UUID.randomUUID(), "https://cdn.emprops.test/step-1.png", "image/png"),
        new GenerationOutput(0, 2, finalImage, "https://cdn.emprops.test/step-2.webp", "image/webp"),
        new GenerationOutput(0, 3, UUID.randomUUID(), "https://cdn.emprops.test/step-3.txt", "text/plain")),
        Instant.parse("2026-03-01T10:15:30.123456Z"));
    UUID completedId = events.send(completed);
    await().atMost(EVENTS).until(() -> "ready".equals(onlyToken(collection).get("status").asString()));

    JsonNode ready = onlyToken(collection);
    assertThat(ready.get("image_url").asString()).as("the image of the last image step")
        .isEqualTo("https://cdn.emprops.test/step-2.webp");
    HttpResponse<String> finalResponse = calls.get(metadataPath(collection, 1), ANONYMOUS);
    assertThat(finalResponse.statusCode()).isEqualTo(200);
    assertThat(finalResponse.headers().firstValue("Cache-Control").orElseThrow())
        .contains("public", "max-age=86400");
    JsonNode metadata = json.readTree(finalResponse.body());
    assertThat(metadata.get("name").asString()).isEqualTo("Lighthouses #1");
    assertThat(metadata.get("description").asString()).isEqualTo("Keepers of the light");
    assertThat(metadata.get("image").asString()).isEqualTo("https://cdn.emprops.test/step-2.webp");
    assertThat(metadata.get("animation_url").isNull()).isTrue();
    assertThat(metadata.get("external_url").asString()).endsWith("/collections/" + collection);
    assertThat(metadata.get("hash").asString()).isEqualTo(hash);
    assertThat(traits(metadata)).containsExactlyInAnyOrderEntriesOf(
        Map.of("style", "b", "subject", "a lighthouse keeper", "steps", "30"));
    JsonNode properties = metadata.get("properties");
    assertThat(properties.get("collection_id").asString()).isEqualTo(collection.toString());
    assertThat(properties.get("collection_revision").asLong()).isEqualTo(4);
    assertThat(properties.get("job_id").asString()).isEqualTo(job.toString());
    assertThat(properties.get("generation_hash").asString()).isEqualTo(hash);
    assertThat(properties.get("variables").get("style").asString()).isEqualTo("b");
    assertThat(properties.get("status").asString()).isEqualTo("ready");

    // The same content again is a 304 to a reader that sends its ETag back.
    String etag = finalResponse.headers().firstValue("ETag").orElseThrow();
    HttpResponse<String> revalidated = calls.send(calls.request("GET", metadataPath(collection, 1), ANONYMOUS,
        HttpRequest.BodyPublishers.noBody()).header("If-None-Match", etag).build());
    assertThat(revalidated.statusCode()).isEqualTo(304);
    assertThat(revalidated.body()).isEmpty();

    // Redelivered (same event id) and sent again (a new id: the generator's outbox relayed it twice).
    events.send(completed, completedId);
    UUID againId = events.send(completed);
    await().atMost(EVENTS).until(() -> handled(COMPLETED, againId)
        && duplicates(COMPLETED) >= 1);
    // Late events of the job (a start, a failure) do not take a ready token back: same metadata.
    UUID lateStart = events.send(new GenerationStarted(job, "owner-1", collection, 1, 2, Instant.now()));
    UUID lateFailure = events.send(new GenerationFailed(job, "owner-1", collection, "GENERATION_FAILED", "late", 2, 0,
        Instant.now()));
    await().atMost(EVENTS).until(() -> handled(STARTED, lateStart) && handled(FAILED, lateFailure));
    assertThat(onlyToken(collection).get("status").asString()).isEqualTo("ready");
    assertThat(calls.get(metadataPath(collection, 1), ANONYMOUS).headers().firstValue("ETag")).contains(etag);

    // A later token of the same collection: its TokenReady is relayed after anything those wrote.
    String laterHash = mint(collection, 2);
    UUID laterJob = TokenMinted.generationJobIdOf(collection, 2, laterHash);
    events.send(new GenerationCompleted(laterJob, "owner-1", collection, 0,
        List.of(new GenerationOutput(0, 1, UUID.randomUUID(), "https://cdn.emprops.test/2.png", "image/png")),
        Instant.now()));
    await().atMost(EVENTS).until(() -> tokenReady(collection).stream().anyMatch(r -> r.tokenId() == 2));

    List<TokenReady> announced = tokenReady(collection);
    assertThat(announced).extracting(TokenReady::tokenId).containsExactly(1L, 2L);
    TokenReady first = announced.getFirst();
    assertThat(first.userId()).isEqualTo("owner-1");
    assertThat(first.chainId()).isEqualTo(31337);
    assertThat(first.contractAddress()).isEqualTo(CONTRACT);
    assertThat(first.hash()).isEqualTo(hash);
    assertThat(first.jobId()).isEqualTo(job);
    assertThat(first.assetId()).isEqualTo(finalImage);
    assertThat(first.imageUrl()).isEqualTo("https://cdn.emprops.test/step-2.webp");
    assertThat(first.metadataUrl()).isEqualTo(METADATA_BASE + "/metadata/" + collection + "/1");
    assertThat(first.readyAt()).isEqualTo(Instant.parse("2026-03-01T10:15:30.123456Z"));
    assertThat(announced.get(1).hash()).isEqualTo(laterHash);
  }

  @Test
  void aFailedGenerationIsNotUndoneByItsOwnLateEvents_theTokenKeepsThePlaceholderWithAFailedStatus() {
    UUID collection = publishedCollection("Failing");
    UUID job = TokenMinted.generationJobIdOf(collection, 7, mint(collection, 7));

    events.send(new GenerationStarted(job, "owner-1", collection, 1, 1, Instant.now()));
    events.send(new GenerationFailed(job, "owner-1", collection, "GENERATION_FAILED", "CUDA out of memory", 1, 0,
        Instant.now()));
    await().atMost(EVENTS).until(() -> "failed".equals(onlyToken(collection).get("status").asString()));
    // Late or repeated events of the job do not bring it back.
    UUID lateStart = events.send(new GenerationStarted(job, "owner-1", collection, 1, 1, Instant.now()));
    UUID lateCompletion = events.send(new GenerationCompleted(job, "owner-1", collection, 0,
        List.of(new GenerationOutput(0, 1, UUID.randomUUID(), "https://cdn.emprops.test/late.png", "image/png")),
        Instant.now()));
    await().atMost(EVENTS).until(() -> handled(STARTED, lateStart) && handled(COMPLETED, lateCompletion));

    JsonNode token = onlyToken(collection);
    assertThat(token.get("status").asString()).isEqualTo("failed");
    assertThat(token.get("image_url").isNull()).isTrue();
    HttpResponse<String> response = calls.get(metadataPath(collection, 7), ANONYMOUS);
    assertThat(response.headers().firstValue("Cache-Control").orElseThrow()).contains("max-age=30");
    JsonNode metadata = json.readTree(response.body());
    assertThat(metadata.get("image").asString()).isEqualTo(PLACEHOLDER);
    assertThat(traits(metadata)).containsEntry("status", "failed");
    assertThat(metadata.get("properties").get("error").asString()).isEqualTo("GENERATION_FAILED: CUDA out of memory");
  }

  @Test
  void aFailedTokenFollowsItsOwnersRetryToAReadyImageAnnouncedOnce() {
    UUID collection = publishedCollection("Retried");
    UUID job = TokenMinted.generationJobIdOf(collection, 4, mint(collection, 4));
    events.send(new GenerationFailed(job, "owner-1", collection, "GENERATION_FAILED", "worker died", 1, 0,
        Instant.now()));
    await().atMost(EVENTS).until(() -> "failed".equals(onlyToken(collection).get("status").asString()));

    // The owner's POST /jobs/{id}/retry runs as the derived job; its first event brings the token back.
    UUID retry = TokenMinted.generationRetryJobIdOf(job);
    events.send(new GenerationStarted(retry, "owner-1", collection, 1, 1, Instant.now()));
    await().atMost(EVENTS).until(() -> "generating".equals(onlyToken(collection).get("status").asString()));
    UUID image = UUID.randomUUID();
    events.send(new GenerationCompleted(retry, "owner-1", collection, 0,
        List.of(new GenerationOutput(0, 1, image, "https://cdn.emprops.test/retried.png", "image/png")), Instant.now()));
    await().atMost(EVENTS).until(() -> "ready".equals(onlyToken(collection).get("status").asString()));

    assertThat(onlyToken(collection).get("image_url").asString()).isEqualTo("https://cdn.emprops.test/retried.png");
    await().atMost(EVENTS).until(() -> tokenReady(collection).size() == 1);
    assertThat(tokenReady(collection).getFirst().jobId()).isEqualTo(retry);
    // The failed job's late events concern the token no more.
    UUID late = events.send(new GenerationFailed(job, "owner-1", collection, "GENERATION_FAILED", "again", 1, 0,
        Instant.now()));
    await().atMost(EVENTS).until(() -> handled(FAILED, late));
    assertThat(onlyToken(collection).get("status").asString()).isEqualTo("ready");
  }

  @Test
  void generationEventsOfOtherJobsChangeNoToken() {
    UUID collection = publishedCollection("Untouched");
    mint(collection, 3);
    // A job of the collection that is not the token's (an ordinary generation), and a name-based id of no token.
    UUID ordinary = UUID.randomUUID();
    UUID otherToken = TokenMinted.generationJobIdOf(collection, 99, randomHash());
    List<UUID> failures = new java.util.ArrayList<>();
    for (UUID job : List.of(ordinary, otherToken)) {
      events.send(new GenerationStarted(job, "owner-1", collection, 1, 1, Instant.now()));
      failures.add(events.send(new GenerationFailed(job, "owner-1", collection, "GENERATION_FAILED", "no", 1, 0,
          Instant.now())));
    }
    await().atMost(EVENTS).until(() -> failures.stream().allMatch(id -> handled(FAILED, id)));
    assertThat(onlyToken(collection).get("status").asString()).isEqualTo("minted");
  }

  @Test
  void tokensArePagedByTokenId() {
    UUID collection = publishedCollection("Paged");
    for (long id = 1; id <= 5; id++) {
      mint(collection, id);
    }
    JsonNode second = data(calls.get("/collections/" + collection + "/tokens?page=2&size=2", ANONYMOUS), 200);
    assertThat(second.get("items").valueStream().map(t -> t.get("token_id").asLong()).toList()).containsExactly(3L, 4L);
    assertThat(second.get("page").asInt()).isEqualTo(2);
    assertThat(second.get("size").asInt()).isEqualTo(2);
    assertThat(second.get("total").asLong()).isEqualTo(5);
    assertThat(second.get("total_pages").asInt()).isEqualTo(3);
    JsonNode beyond = data(calls.get("/collections/" + collection + "/tokens?page=9&size=2", ANONYMOUS), 200);
    assertThat(beyond.get("items").isEmpty()).isTrue();
  }

  @Test
  void aPublishedCollectionWithoutTokensHasAnEmptyPage_unpublishedOnesAndUnknownTokensAre404() {
    UUID empty = publishedCollection("Empty");
    JsonNode page = data(calls.get("/collections/" + empty + "/tokens", ANONYMOUS), 200);
    assertThat(page.get("items").isEmpty()).isTrue();
    assertThat(page.get("total").asLong()).isZero();
    assertThat(page.get("page").asInt()).isEqualTo(1);
    assertThat(page.get("size").asInt()).isEqualTo(20);

    UUID unknown = UUID.randomUUID();
    assertThat(failure(calls.get("/collections/" + unknown + "/tokens", ANONYMOUS), 404)).isEqualTo("NOT_FOUND");
    UUID pending = UUID.randomUUID();
    insertPublication(pending, "pending", "Not yet");
    assertThat(failure(calls.get("/collections/" + pending + "/tokens", ANONYMOUS), 404)).isEqualTo("NOT_FOUND");

    // Not minted, or minted but not confirmed yet (the follower has not written it).
    assertThat(failure(calls.get(metadataPath(empty, 1), ANONYMOUS), 404)).isEqualTo("NOT_FOUND");
    assertThat(failure(calls.get(metadataPath(unknown, 1), ANONYMOUS), 404)).isEqualTo("NOT_FOUND");
    assertThat(failure(calls.get("/metadata/" + empty + "/not-a-number", ANONYMOUS), 400))
        .isEqualTo("VALIDATION_FAILED");
    assertThat(failure(calls.get("/metadata/not-a-uuid/1", ANONYMOUS), 400)).isEqualTo("VALIDATION_FAILED");
  }

  @Test
  void invalidPagingIs400InTheEnvelope() {
    UUID collection = publishedCollection("Validated");
    for (String query : List.of("page=0", "page=-1", "size=0", "size=101", "page=abc", "size=x")) {
      assertThat(failure(calls.get("/collections/" + collection + "/tokens?" + query, ANONYMOUS), 400))
          .as(query).isEqualTo("VALIDATION_FAILED");
    }
    assertThat(failure(calls.get("/collections/not-a-uuid/tokens", ANONYMOUS), 400)).isEqualTo("VALIDATION_FAILED");
  }

  // --- the follower's and the generator's side, as they would write them

  private static UUID publishedCollection(String title) {
    UUID id = UUID.randomUUID();
    insertPublication(id, "confirmed", title);
    return id;
  }

  private static void insertPublication(UUID id, String status, String title) {
    DeploymentPlan plan = new DeploymentPlan(title, "Keepers of the light", "LH", 10, "0", 1,
        "https://cdn.emprops.test/cover.png", List.of(new DeploymentPlan.Share(OWNER, 10_000)), List.of(), null);
    jdbc.sql("""
            INSERT INTO publications (collection_id, user_id, status, blockchain, chain_name, chain_id,
                contract_address, tx_hash, block_number, confirmations, plan, revision, confirmed_at)
            VALUES (:id, 'owner-1', :status, 'BASE', 'elsewhere', 31337, :contract, :tx, 12, 1, CAST(:plan AS jsonb),
                4, now())""")
        .param("id", id).param("status", status).param("contract", CONTRACT).param("tx", randomHash())
        .param("plan", json.writeValueAsString(plan)).update();
  }

  /** The follower's row of a confirmed mint; returns the token hash. */
  private static String mint(UUID collection, long tokenId) {
    String hash = randomHash();
    jdbc.sql("""
            INSERT INTO tokens (collection_id, token_id, user_id, chain_id, contract_address, owner, hash, tx_hash,
                block_number, block_hash, minted_at, job_id)
            VALUES (:collection, :token, 'owner-1', 31337, :contract, :owner, :hash, :tx, 42, :block, :at, :job)""")
        .param("collection", collection).param("token", tokenId).param("contract", CONTRACT).param("owner", OWNER)
        .param("hash", hash).param("tx", randomHash()).param("block", randomHash())
        .param("at", Timestamp.from(Instant.now())).param("job", TokenMinted.generationJobIdOf(collection, tokenId, hash))
        .update();
    return hash;
  }

  private static GenerationStepCompleted step(UUID job, UUID collection, int stepId, String hash, JsonNode variables) {
    return new GenerationStepCompleted(job, "owner-1", collection, 0, stepId, "https://workers.emprops.test/" + stepId,
        "image/png", "step-" + stepId + ".png", Instant.now(), hash, variables, 0);
  }

  // --- reading

  private static String metadataPath(UUID collection, long tokenId) {
    return "/metadata/" + collection + "/" + tokenId;
  }

  private static JsonNode metadata(UUID collection, long tokenId) {
    HttpResponse<String> response = calls.get(metadataPath(collection, tokenId), ANONYMOUS);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return json.readTree(response.body());
  }

  private static JsonNode onlyToken(UUID collection) {
    JsonNode page = data(calls.get("/collections/" + collection + "/tokens", ANONYMOUS), 200);
    assertThat(page.get("items").size()).isEqualTo(1);
    return page.get("items").get(0);
  }

  private static Map<String, String> traits(JsonNode metadata) {
    return metadata.get("attributes").valueStream().collect(Collectors.toMap(
        a -> a.get("trait_type").asString(), a -> a.get("value").asString()));
  }

  private static List<TokenReady> tokenReady(UUID collection) {
    var byEventId = new java.util.LinkedHashMap<String, TokenReady>();
    publications.records().stream()
        .filter(r -> collection.toString().equals(r.key()))
        .filter(r -> "TokenReady.v1".equals(TopicRecorder.header(r, "eventType")))
        .forEach(r -> byEventId.putIfAbsent(TopicRecorder.header(r, "eventId"),
            EventJson.deserialize(new String(r.value(), StandardCharsets.UTF_8), TokenReady.class)));
    return List.copyOf(byEventId.values());
  }

  /** Whether {@code consumer} handled the event (its inbox claim commits with its effects). */
  private static boolean handled(String consumer, UUID eventId) {
    return jdbc.sql("SELECT count(*) FROM inbox WHERE consumer_name = :consumer AND event_id = :id")
        .param("consumer", consumer).param("id", eventId).query(Long.class).single() == 1;
  }

  private static double duplicates(String consumer) {
    var timer = context.getBean(MeterRegistry.class).find("emprops.events.handled")
        .tag("consumer", consumer).tag("outcome", "duplicate").timer();
    return timer == null ? 0 : timer.count();
  }

  private static JsonNode data(HttpResponse<String> response, int status) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    return json.readTree(response.body()).get("data");
  }

  private static String failure(HttpResponse<String> response, int status) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    return json.readTree(response.body()).get("code").asString();
  }

  private static String randomHash() {
    byte[] bytes = new byte[32];
    ThreadLocalRandom.current().nextBytes(bytes);
    return "0x" + HexFormat.of().formatHex(bytes);
  }
}
