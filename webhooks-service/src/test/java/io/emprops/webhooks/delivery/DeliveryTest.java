package io.emprops.webhooks.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.emprops.events.contract.AssetStored;
import io.emprops.events.contract.Blockchain;
import io.emprops.events.contract.GenerationCompleted;
import io.emprops.events.contract.GenerationOutput;
import io.emprops.events.contract.GenerationProgressed;
import io.emprops.events.contract.GenerationStarted;
import io.emprops.events.contract.PublicationConfirmed;
import io.emprops.events.contract.TokenMinted;
import io.emprops.events.contract.TokenReady;
import io.emprops.events.contract.Topic;
import io.emprops.events.testing.EventDelivery;
import io.emprops.webhooks.support.StandardWebhooksVerifier;
import io.emprops.webhooks.support.WebhookReceiver;
import io.emprops.webhooks.support.WebhookReceiver.Received;
import io.emprops.webhooks.support.WebhookReceiver.Reply;
import io.emprops.webhooks.support.WebhooksClient;
import io.emprops.webhooks.support.WebhooksServiceTest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.env.Environment;
import tools.jackson.databind.JsonNode;

/**
 * Events from Kafka to a receiver on 127.0.0.1, through the real service: signatures a receiver
 * written from the specification accepts, filters, retries, ordering under retries, rotation,
 * coalesced progress, test messages and replays, outbound limits.
 */
@WebhooksServiceTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DeliveryTest {

  private static final Duration WAIT = Duration.ofSeconds(30);

  @Autowired Environment environment;
  @Autowired io.emprops.web.testing.AdjustableClock clock;
  private EventDelivery events;
  private WebhookReceiver receiver;
  private String user;
  private WebhooksClient client;

  @BeforeAll
  void connect() {
    events = new EventDelivery(Topic.DEFAULT_NAMESPACE);
    receiver = WebhookReceiver.start();
  }

  @AfterAll
  void disconnect() {
    events.close();
    receiver.close();
  }

  @BeforeEach
  void newUser() {
    user = "user-" + UUID.randomUUID();
    client = WebhooksClient.of(environment, user);
  }

  private String path() {
    return "/hook-" + UUID.randomUUID();
  }

  private List<Received> receivedAt(String path, int count) {
    await().atMost(WAIT).until(() -> receiver.received(path).size() >= count);
    return receiver.received(path);
  }

  private static JsonNode body(Received r) {
    return WebhooksClient.json(r.bodyText());
  }

  @Test
  void aCompletedJobIsDeliveredSignedAsTheStandardWebhooksSpecificationSays() {
    String path = path();
    JsonNode endpoint = client.register(receiver.url(path), "job.*");
    String secret = endpoint.get("secret").asString();
    UUID job = UUID.randomUUID();
    UUID collection = UUID.randomUUID();
    UUID asset = UUID.randomUUID();
    UUID eventId = events.send(new GenerationCompleted(job, user, collection, 4,
        List.of(new GenerationOutput(0, 1, asset, "https://cdn.example/0-1.png", "image/png")), Instant.now()));

    Received received = receivedAt(path, 1).getFirst();
    assertThat(StandardWebhooksVerifier.verify(secret, received)).as("signature verifies").isTrue();
    assertThat(StandardWebhooksVerifier.verify("whsec_" + java.util.Base64.getEncoder().encodeToString(new byte[32]),
        received)).as("another secret does not").isFalse();
    assertThat(received.header("webhook-id")).matches("msg_[0-9a-f]{32}");
    assertThat(received.header("content-type")).startsWith("application/json");
    JsonNode body = body(received);
    assertThat(body.get("type").asString()).isEqualTo("job.completed");
    assertThat(body.get("version").asInt()).isEqualTo(1);
    assertThat(body.get("timestamp").asString()).isNotBlank();
    assertThat(body.get("data").get("job_id").asString()).isEqualTo(job.toString());
    assertThat(body.get("data").get("credits_spent").asLong()).isEqualTo(4);
    assertThat(body.get("data").get("outputs").get(0).get("asset_id").asString()).isEqualTo(asset.toString());

    // The same event again (a redelivery): the inbox makes it one delivery.
    events.send(new GenerationCompleted(job, user, collection, 4, List.of(), Instant.now()), eventId);
    String id = endpoint.get("id").asString();
    await().atMost(WAIT).until(() -> "delivered".equals(client.deliveries(id).get(0).get("status").asString()));
    JsonNode logged = client.deliveries(id);
    assertThat(logged).hasSize(1);
    assertThat(logged.get(0).get("webhook_id").asString()).isEqualTo(received.header("webhook-id"));
    assertThat(logged.get(0).get("response_status").asInt()).isEqualTo(200);
    assertThat(logged.get(0).get("response_time_ms").isNumber()).isTrue();
    assertThat(logged.get(0).get("attempts").asInt()).isEqualTo(1);
  }

  @Test
  void onlyTheOwnersEndpointsSubscribedToTheTypeReceiveIt() {
    String assets = path();
    String jobs = path();
    String publications = path();
    client.register(receiver.url(assets), "asset.stored");
    client.register(receiver.url(jobs), "job.completed");
    client.register(receiver.url(publications), "publication.*");
    UUID collection = UUID.randomUUID();
    events.send(new AssetStored(UUID.randomUUID(), "someone-else", collection, null, null, null, "https://s3/x",
        null, "image/png", 10, "ab", Instant.now()));
    events.send(new AssetStored(UUID.randomUUID(), user, collection, null, null, null, "https://s3/y", null,
        "image/png", 10, "cd", Instant.now()));
    events.send(new PublicationConfirmed(collection, Blockchain.BASE, 8453, "0xc0", "0xt0", 12, 1, Instant.now(), user));

    Received asset = receivedAt(assets, 1).getFirst();
    assertThat(body(asset).get("data").get("url").asString()).isEqualTo("https://s3/y");
    Received confirmed = receivedAt(publications, 1).getFirst();
    assertThat(body(confirmed).get("type").asString()).isEqualTo("publication.confirmed");
    assertThat(body(confirmed).get("data").get("contract_address").asString()).isEqualTo("0xc0");
    assertThat(receiver.received(assets)).hasSize(1);
    assertThat(receiver.received(jobs)).isEmpty();
  }

  @Test
  void aCollectionsTokenEventsArriveInMintOrderEachReadyAfterItsMinted() {
    String path = path();
    client.register(receiver.url(path), "token.*");
    UUID collection = UUID.randomUUID();
    UUID asset = UUID.randomUUID();
    String contract = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
    String owner = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
    String hash = "0x" + "ab".repeat(32);
    // The block's time: before the endpoint existed (the confirmation depth passes in between).
    Instant mintedAt = Instant.parse("2026-03-01T10:15:30Z");
    events.send(new TokenMinted(collection, user, Blockchain.BASE, 8453, contract, 1, owner, hash, "0xt1", 40, "0xb1",
        mintedAt));
    events.send(new TokenMinted(collection, user, Blockchain.BASE, 8453, contract, 2, owner, hash, "0xt2", 41, "0xb2",
        mintedAt));
    events.send(new TokenReady(collection, user, 8453, contract, 1, hash, TokenMinted.generationJobIdOf(collection, 1, hash),
        asset, "https://cdn.example/1.png", "https://api.example/metadata/" + collection + "/1", Instant.now()));

    List<JsonNode> bodies = receivedAt(path, 3).stream().map(DeliveryTest::body).toList();
    assertThat(bodies).extracting(b -> b.get("type").asString() + " " + b.get("data").get("token_id").asLong())
        .containsExactly("token.minted 1", "token.minted 2", "token.ready 1");
    JsonNode minted = bodies.getFirst().get("data");
    assertThat(minted.get("collection_id").asString()).isEqualTo(collection.toString());
    assertThat(minted.get("blockchain").asString()).isEqualTo("BASE");
    assertThat(minted.get("owner").asString()).isEqualTo(owner);
    assertThat(minted.get("hash").asString()).isEqualTo(hash);
    assertThat(minted.get("job_id").asString()).isEqualTo(TokenMinted.generationJobIdOf(collection, 1, hash).toString());
    assertThat(minted.get("minted_at").asString()).startsWith("2026-03-01T10:15:30");
    assertThat(Instant.parse(bodies.getFirst().get("timestamp").asString()))
        .as("confirmed and announced after the block's time").isAfter(mintedAt);
    JsonNode ready = bodies.get(2).get("data");
    assertThat(ready.get("asset_id").asString()).isEqualTo(asset.toString());
    assertThat(ready.get("image_url").asString()).isEqualTo("https://cdn.example/1.png");
    assertThat(ready.get("metadata_url").asString()).endsWith("/metadata/" + collection + "/1");
  }

  @Test
  void failedAttemptsAreRetriedWithBackoffAndJitterAndRetryAfterIsHonoured() {
    String path = path();
    AtomicInteger calls = new AtomicInteger();
    receiver.answer(r -> !r.path().equals(path) ? Reply.status(200) : switch (calls.incrementAndGet()) {
      case 1, 2 -> Reply.status(503);
      case 3 -> new Reply(429, Map.of("Retry-After", "2"), "slow down", 0);
      default -> Reply.status(204);
    });
    try {
      String id = client.register(receiver.url(path), "job.started").get("id").asString();
      events.send(new GenerationStarted(UUID.randomUUID(), user, UUID.randomUUID(), 1, 1, Instant.now()));

      List<Received> attempts = receivedAt(path, 4);
      assertThat(attempts.stream().map(r -> r.header("webhook-id")).distinct()).as("one webhook-id").hasSize(1);
      // initial-backoff 200 ms, × 2, ± 20 %: 160-240 ms, then 320-480 ms; then Retry-After: 2 s.
      assertThat(gap(attempts, 0)).isBetween(Duration.ofMillis(150), Duration.ofMillis(1500));
      assertThat(gap(attempts, 1)).isBetween(Duration.ofMillis(300), Duration.ofMillis(2000));
      assertThat(gap(attempts, 1)).isGreaterThan(gap(attempts, 0).multipliedBy(2).dividedBy(3));
      assertThat(gap(attempts, 2)).isGreaterThanOrEqualTo(Duration.ofMillis(1900));
      await().atMost(WAIT).until(() -> "delivered".equals(client.deliveries(id).get(0).get("status").asString()));
      JsonNode detail = client.call("GET", "/webhooks/" + id + "/deliveries/"
          + client.deliveries(id).get(0).get("id").asString(), null, 200);
      assertThat(detail.get("attempts")).hasSize(4);
      assertThat(detail.get("attempts").get(0).get("response_status").asInt()).isEqualTo(503);
      assertThat(detail.get("attempts").get(2).get("response_body").asString()).isEqualTo("slow down");
      assertThat(detail.get("payload").get("type").asString()).isEqualTo("job.started");
    } finally {
      receiver.answer(r -> Reply.status(200));
    }
  }

  @Test
  void aClientErrorOrARedirectIsNotRetriedAndTheRedirectIsNotFollowed() {
    String rejecting = path();
    String redirecting = path();
    String target = path();
    receiver.answer(r -> r.path().equals(rejecting) ? Reply.status(400)
        : r.path().equals(redirecting) ? new Reply(302, Map.of("Location", receiver.url(target)), "", 0)
        : Reply.status(200));
    try {
      String a = client.register(receiver.url(rejecting), "job.started").get("id").asString();
      String b = client.register(receiver.url(redirecting), "job.started").get("id").asString();
      events.send(new GenerationStarted(UUID.randomUUID(), user, UUID.randomUUID(), 1, 1, Instant.now()));

      for (String id : List.of(a, b)) {
        await().atMost(WAIT).until(() -> "failed".equals(client.deliveries(id).get(0).get("status").asString()));
        assertThat(client.deliveries(id).get(0).get("attempts").asInt()).isEqualTo(1);
      }
      assertThat(client.deliveries(b).get(0).get("last_error").asString()).contains("redirects are not followed");
      assertThat(receiver.received(target)).isEmpty();
    } finally {
      receiver.answer(r -> Reply.status(200));
    }
  }

  @Test
  void aJobsEventsArriveInOrderWhileItsFirstIsRetriedAndOtherJobsAreNotHeldUp() {
    String path = path();
    UUID slowJob = UUID.randomUUID();
    UUID otherJob = UUID.randomUUID();
    AtomicInteger failuresLeft = new AtomicInteger(3);
    receiver.answer(r -> r.path().equals(path) && r.bodyText().contains("job.started")
        && r.bodyText().contains(slowJob.toString()) && failuresLeft.getAndDecrement() > 0
        ? Reply.status(500) : Reply.status(200));
    try {
      client.register(receiver.url(path), "job.*", "asset.stored");
      UUID collection = UUID.randomUUID();
      UUID first = UUID.randomUUID();
      UUID second = UUID.randomUUID();
      events.send(new GenerationStarted(slowJob, user, collection, 1, 2, Instant.now()));
      events.send(new AssetStored(first, user, collection, slowJob, 0, 1, "https://s3/1", null,
          "image/png", 1, "a", Instant.now()));
      events.send(new AssetStored(second, user, collection, slowJob, 0, 2, "https://s3/2", null,
          "image/png", 1, "b", Instant.now()));
      events.send(new GenerationCompleted(slowJob, user, collection, 2,
          List.of(new GenerationOutput(0, 1, first, "https://cdn.example/1.png", "image/png"),
              new GenerationOutput(0, 2, second, "https://cdn.example/2.png", "image/png")), Instant.now()));
      events.send(new GenerationStarted(otherJob, user, collection, 1, 1, Instant.now()));

      List<Received> all = receivedAt(path, 8);
      List<String> slow = all.stream().filter(r -> r.bodyText().contains(slowJob.toString()))
          .map(r -> body(r).get("type").asString() + (r.bodyText().contains("https://s3/2") ? "#2" : ""))
          .toList();
      // A job's generation events share a topic partition, consumed in order: job.completed waits
      // behind the retried job.started. Asset events come from another topic, consumed
      // independently: they arrive in whatever order they were read, but before job.completed
      // (CompletedAfterAssetsTest: also when read after it).
      assertThat(slow.stream().filter(type -> type.startsWith("job.")).toList())
          .containsExactly("job.started", "job.started", "job.started", "job.started", "job.completed");
      assertThat(slow.stream().filter(type -> type.startsWith("asset.")).toList())
          .containsExactlyInAnyOrder("asset.stored", "asset.stored#2");
      assertThat(slow.getLast()).isEqualTo("job.completed");
      Received other = all.stream().filter(r -> r.bodyText().contains(otherJob.toString())).findFirst().orElseThrow();
      Received firstSuccess = all.stream().filter(r -> r.bodyText().contains(slowJob.toString())).toList().get(3);
      assertThat(other.at()).as("another job is not held up by the retries").isBefore(firstSuccess.at());
    } finally {
      receiver.answer(r -> Reply.status(200));
    }
  }

  @Test
  void duringARotationsOverlapBothSecretsSignThenOnlyTheNewOne() {
    String path = path();
    JsonNode endpoint = client.register(receiver.url(path), "job.started");
    String id = endpoint.get("id").asString();
    String oldSecret = endpoint.get("secret").asString();
    String newSecret = client.call("POST", "/webhooks/" + id + "/rotate-secret", "{\"overlap_seconds\": 60}", 200)
        .get("secret").asString();

    events.send(new GenerationStarted(UUID.randomUUID(), user, UUID.randomUUID(), 1, 1, Instant.now()));
    Received during = receivedAt(path, 1).getFirst();
    assertThat(during.header("webhook-signature").split(" ")).hasSize(2);
    assertThat(StandardWebhooksVerifier.verify(oldSecret, during)).isTrue();
    assertThat(StandardWebhooksVerifier.verify(newSecret, during)).isTrue();

    clock.advance(Duration.ofSeconds(61)); // past the overlap, without waiting for it
    try {
      events.send(new GenerationStarted(UUID.randomUUID(), user, UUID.randomUUID(), 1, 1, Instant.now()));
      Received after = receivedAt(path, 2).get(1);
      assertThat(after.header("webhook-signature").split(" ")).hasSize(1);
      assertThat(StandardWebhooksVerifier.verify(newSecret, after)).isTrue();
      assertThat(StandardWebhooksVerifier.verify(oldSecret, after)).as("the old secret expired").isFalse();
    } finally {
      clock.reset();
    }
  }

  @Test
  void progressIsCoalescedToAtMostTwoASecondAndTheLatestArrives() throws InterruptedException {
    String path = path();
    String endpointId = client.register(receiver.url(path), "job.progress").get("id").asString();
    UUID job = UUID.randomUUID();
    UUID collection = UUID.randomUUID();
    Instant start = Instant.now();
    for (int i = 1; i <= 30; i++) {
      events.send(new GenerationProgressed(job, user, collection, 0, 1, i * 3, i * 3, "step " + i, Instant.now()));
      Thread.sleep(50);
    }
    await().atMost(WAIT).until(() -> receiver.received(path).stream()
        .anyMatch(r -> body(r).get("data").get("progress").asInt() == 90));
    List<Received> got = receiver.received(path);
    Duration span = Duration.between(start, got.getLast().at());
    assertThat(got.size()).as("%d deliveries over %s", got.size(), span)
        .isLessThanOrEqualTo((int) (span.toMillis() / 500) + 1).isLessThan(30);
    // The spacing rule is the sender's: its own attempt times, read back from the delivery log
    // (arrival times also carry the network's and the receiver's jitter, which no sender controls).
    // The margin covers the dispatcher's claim-to-send hand-over (the interval counts from a claim).
    // An attempt is logged once its answer is in, just after the receiver saw it: wait for the log.
    await().atMost(WAIT).until(() -> {
      JsonNode logged = client.deliveries(endpointId);
      return logged.size() == got.size()
          && logged.valueStream().allMatch(d -> "delivered".equals(d.get("status").asString()));
    });
    List<Instant> sent = new ArrayList<>();
    for (JsonNode delivery : client.deliveries(endpointId)) {
      JsonNode detail = client.call("GET", "/webhooks/" + endpointId + "/deliveries/"
          + delivery.get("id").asString(), null, 200);
      sent.add(Instant.parse(detail.get("attempts").get(0).get("attempted_at").asString()));
    }
    Collections.sort(sent);
    assertThat(sent).as("one attempt per delivery received").hasSize(got.size());
    for (int i = 1; i < sent.size(); i++) {
      assertThat(Duration.between(sent.get(i - 1), sent.get(i))).as("attempts %d and %d", i - 1, i)
          .isGreaterThanOrEqualTo(Duration.ofMillis(450));
    }
    assertThat(got.stream().map(r -> body(r).get("data").get("progress").asInt()).toList()).isSorted();
  }

  @Test
  void aTestMessageAndReplaysKeepTheirWebhookId() {
    String path = path();
    JsonNode endpoint = client.register(receiver.url(path), "job.failed");
    String id = endpoint.get("id").asString();
    JsonNode test = client.call("POST", "/webhooks/" + id + "/test", null, 202);
    Received received = receivedAt(path, 1).getFirst();
    assertThat(body(received).get("type").asString()).isEqualTo("webhook.test");
    assertThat(received.header("webhook-id")).isEqualTo(test.get("webhook_id").asString());
    assertThat(StandardWebhooksVerifier.verify(endpoint.get("secret").asString(), received)).isTrue();

    client.call("POST", "/webhooks/" + id + "/test", "{\"event_type\": \"job.completed\"}", 202);
    assertThat(body(receivedAt(path, 2).get(1)).get("data").get("outputs").get(0).get("mime_type").asString())
        .isEqualTo("image/png");

    JsonNode replay = client.call("POST", "/webhooks/" + id + "/deliveries/" + test.get("id").asString() + "/replay",
        null, 202);
    assertThat(replay.get("replay_of").asString()).isEqualTo(test.get("id").asString());
    Received replayed = receivedAt(path, 3).get(2);
    assertThat(replayed.header("webhook-id")).isEqualTo(received.header("webhook-id"));

    JsonNode range = client.call("POST", "/webhooks/" + id + "/deliveries/replay",
        "{\"since\": \"" + Instant.now().minusSeconds(60) + "\", \"only_failed\": false}", 202);
    assertThat(range.get("replayed").asInt()).isEqualTo(3);
    List<Received> all = receivedAt(path, 6);
    // The same three messages again, each under its own webhook-id; not in one order: messages of
    // different ordering lanes (the two tests, the replay) are delivered in parallel.
    assertThat(all.subList(3, 6).stream().map(r -> r.header("webhook-id")).toList())
        .containsExactlyInAnyOrderElementsOf(all.subList(0, 3).stream().map(r -> r.header("webhook-id")).toList());
  }

  @Test
  void aSlowEndpointTimesOutAndAnOversizedAnswerIsCutShort() {
    String slow = path();
    String big = path();
    Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
    receiver.answer(r -> {
      int n = calls.computeIfAbsent(r.path(), p -> new AtomicInteger()).incrementAndGet();
      if (r.path().equals(slow) && n == 1) {
        return new Reply(200, Map.of(), "late", 3_000);
      }
      return r.path().equals(big) ? new Reply(200, Map.of(), "x".repeat(200_000), 0) : Reply.status(200);
    });
    try {
      String s = client.register(receiver.url(slow), "job.started").get("id").asString();
      String b = client.register(receiver.url(big), "job.started").get("id").asString();
      events.send(new GenerationStarted(UUID.randomUUID(), user, UUID.randomUUID(), 1, 1, Instant.now()));

      await().atMost(WAIT).until(() -> "delivered".equals(client.deliveries(s).get(0).get("status").asString()));
      JsonNode detail = client.call("GET", "/webhooks/" + s + "/deliveries/"
          + client.deliveries(s).get(0).get("id").asString(), null, 200);
      assertThat(detail.get("attempts").get(0).get("error").asString()).contains("timed out");
      assertThat(detail.get("attempts").get(0).get("response_time_ms").asInt()).isBetween(1900, 2900);
      await().atMost(WAIT).until(() -> "delivered".equals(client.deliveries(b).get(0).get("status").asString()));
      JsonNode bigDetail = client.call("GET", "/webhooks/" + b + "/deliveries/"
          + client.deliveries(b).get(0).get("id").asString(), null, 200);
      assertThat(bigDetail.get("attempts").get(0).get("response_body").asString()).hasSize(1024);
    } finally {
      receiver.answer(r -> Reply.status(200));
    }
  }

  private static Duration gap(List<Received> received, int index) {
    return Duration.between(received.get(index).at(), received.get(index + 1).at());
  }
}
