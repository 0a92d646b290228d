package io.emprops.webhooks.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.emprops.events.contract.AssetStored;
import io.emprops.events.contract.GenerationCompleted;
import io.emprops.events.contract.GenerationOutput;
import io.emprops.events.contract.GenerationStarted;
import io.emprops.events.contract.Topic;
import io.emprops.events.testing.EventDelivery;
import io.emprops.web.testing.AdjustableClock;
import io.emprops.webhooks.support.WebhookReceiver;
import io.emprops.webhooks.support.WebhookReceiver.Received;
import io.emprops.webhooks.support.WebhookReceiver.Reply;
import io.emprops.webhooks.support.WebhooksClient;
import io.emprops.webhooks.support.WebhooksServiceTest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * A job's {@code asset.stored} webhooks before its {@code job.completed}, to an endpoint
 * subscribed to both, although the two come from two topics read independently: each test sends
 * {@code GenerationCompleted} first and its outputs' {@code AssetStored} after it was read (the
 * order the fan-out saw in issue 21), through Kafka and the real service, to a receiver on
 * 127.0.0.1.
 */
@WebhooksServiceTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CompletedAfterAssetsTest {

  private static final Duration WAIT = Duration.ofSeconds(30);
  /** emprops.webhooks.delivery.completion-hold, the default. */
  private static final Duration HOLD = Duration.ofSeconds(60);

  @Autowired Environment environment;
  @Autowired AdjustableClock clock;
  @Autowired JdbcClient jdbc;
  private EventDelivery events;
  private WebhookReceiver receiver;
  private String user;
  private WebhooksClient client;
  private UUID job;
  private UUID collection;

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
  void newUserAndJob() {
    user = "user-" + UUID.randomUUID();
    client = WebhooksClient.of(environment, user);
    job = UUID.randomUUID();
    collection = UUID.randomUUID();
  }

  @Test
  void anAssetStoredReadAfterItsJobsCompletedIsStillDeliveredBeforeIt() {
    String path = path();
    String id = client.register(receiver.url(path), "job.completed", "asset.stored").get("id").asString();
    UUID first = UUID.randomUUID();
    UUID second = UUID.randomUUID();
    UUID third = UUID.randomUUID();
    events.send(stored(first, 0));
    assertThat(types(receivedAt(path, 1))).containsExactly("asset.stored " + first);

    events.send(completed(first, second, third));
    await().atMost(WAIT).until(() -> client.deliveries(id).size() == 2);
    events.send(stored(second, 1));
    receivedAt(path, 2);
    pause();
    assertThat(types(receiver.received(path))).as("job.completed waits for the third output")
        .containsExactly("asset.stored " + first, "asset.stored " + second);
    events.send(stored(third, 2));

    assertThat(types(receivedAt(path, 4))).containsExactly("asset.stored " + first, "asset.stored " + second,
        "asset.stored " + third, "job.completed " + job);
    await().atMost(WAIT).until(() -> client.deliveries(id).valueStream()
        .allMatch(d -> "delivered".equals(d.get("status").asString())));
    assertThat(client.deliveries(id)).hasSize(4);
  }

  @Test
  void aReleasedJobCompletedJoinsItsLaneBehindTheAssetsQueuedThereBehindARetriedHead() {
    String path = path();
    AtomicBoolean assetsQueued = new AtomicBoolean();
    receiver.answer(r -> r.path().equals(path) && r.bodyText().contains("\"job.started\"") && !assetsQueued.get()
        ? Reply.status(503) : Reply.status(200));
    try {
      String id = client.register(receiver.url(path), "job.*", "asset.stored").get("id").asString();
      UUID first = UUID.randomUUID();
      UUID second = UUID.randomUUID();
      events.send(new GenerationStarted(job, user, collection, 1, 2, Instant.now()));
      events.send(completed(first, second));
      await().atMost(WAIT).until(() -> client.deliveries(id).size() == 2);
      events.send(stored(first, 0));
      events.send(stored(second, 1));
      // Both queued behind job.started, which is still being retried; job.completed released after them.
      await().atMost(WAIT).until(() -> client.deliveries(id).size() == 4);
      assetsQueued.set(true);

      List<String> types = types(receivedAt(path, 2));
      await().atMost(WAIT).until(() -> types(receiver.received(path)).stream()
          .filter(t -> !t.startsWith("job.started")).count() == 3);
      List<String> after = types(receiver.received(path)).stream().filter(t -> !t.startsWith("job.started")).toList();
      assertThat(after.subList(0, 2)).containsExactlyInAnyOrder("asset.stored " + first, "asset.stored " + second);
      assertThat(after.get(2)).isEqualTo("job.completed " + job);
      assertThat(types.getFirst()).isEqualTo("job.started " + job);
      assertThat(types(receiver.received(path)).subList(0, receiver.received(path).size() - 3))
          .as("job.started, until it succeeded, first").allMatch(t -> t.startsWith("job.started"));
    } finally {
      receiver.answer(r -> Reply.status(200));
    }
  }

  @Test
  void inTheCausalOrderJobCompletedIsNotDelayed() {
    String path = path();
    client.register(receiver.url(path), "*");
    UUID first = UUID.randomUUID();
    UUID second = UUID.randomUUID();
    events.send(stored(first, 0));
    events.send(stored(second, 1));
    receivedAt(path, 2);

    Instant sent = Instant.now();
    events.send(completed(first, second));
    List<Received> all = receivedAt(path, 3);
    assertThat(types(all).subList(2, 3)).containsExactly("job.completed " + job);
    assertThat(types(all).subList(0, 2))
        .containsExactlyInAnyOrder("asset.stored " + first, "asset.stored " + second);
    assertThat(Duration.between(sent, all.get(2).at())).as("not held").isLessThan(Duration.ofSeconds(10));
  }

  @Test
  void anEndpointNotSubscribedToAssetStoredGetsJobCompletedWithoutWaiting() {
    String jobsOnly = path();
    String everything = path();
    client.register(receiver.url(jobsOnly), "job.*");
    client.register(receiver.url(everything), "job.completed", "asset.*");
    UUID asset = UUID.randomUUID();

    Instant sent = Instant.now();
    events.send(completed(asset));
    Received completed = receivedAt(jobsOnly, 1).getFirst();
    assertThat(types(List.of(completed))).containsExactly("job.completed " + job);
    assertThat(Duration.between(sent, completed.at())).as("not held").isLessThan(Duration.ofSeconds(10));
    assertThat(receiver.received(everything)).as("held for the asset").isEmpty();

    events.send(stored(asset, 0));
    assertThat(types(receivedAt(everything, 2))).containsExactly("asset.stored " + asset, "job.completed " + job);
    assertThat(receiver.received(jobsOnly)).hasSize(1);
  }

  @Test
  void theHoldEndsAfterTheBoundWhenAnAwaitedAssetStoredNeverComes() {
    String path = path();
    String id = client.register(receiver.url(path), "job.completed", "asset.stored").get("id").asString();
    UUID arrives = UUID.randomUUID();
    UUID late = UUID.randomUUID();
    events.send(completed(arrives, late));
    await().atMost(WAIT).until(() -> client.deliveries(id).size() == 1);
    JsonNode held = client.deliveries(id).get(0);
    assertThat(held.get("status").asString()).isEqualTo("queued");
    assertThat(Instant.parse(held.get("next_attempt_at").asString())).as("the bound")
        .isAfter(Instant.now().plus(HOLD).minusSeconds(15));
    events.send(stored(arrives, 0));
    receivedAt(path, 1);
    pause();
    assertThat(types(receiver.received(path))).as("job.completed waits for the other output")
        .containsExactly("asset.stored " + arrives);

    clock.advance(HOLD.plusSeconds(1)); // past the bound, without waiting for it
    try {
      assertThat(types(receivedAt(path, 2))).containsExactly("asset.stored " + arrives, "job.completed " + job);
      // The late one is still delivered, after it.
      events.send(stored(late, 1));
      assertThat(types(receivedAt(path, 3)).getLast()).isEqualTo("asset.stored " + late);
      await().atMost(WAIT).until(() -> client.deliveries(id).valueStream()
          .allMatch(d -> "delivered".equals(d.get("status").asString())));
    } finally {
      clock.reset();
    }
  }

  @Test
  void aRetrysJobCompletedListingOutputsStoredUnderTheOriginalJobIsNotHeld() {
    String path = path();
    client.register(receiver.url(path), "job.completed", "asset.stored");
    UUID original = job;
    UUID reused = UUID.randomUUID();
    events.send(storedFor(original, reused, 0));
    receivedAt(path, 1);

    // The retry reuses the original's stored output and stores one of its own.
    job = UUID.randomUUID();
    UUID fresh = UUID.randomUUID();
    events.send(storedFor(job, fresh, 1));
    receivedAt(path, 2);
    Instant sent = Instant.now();
    events.send(completed(reused, fresh));
    List<Received> all = receivedAt(path, 3);
    assertThat(types(all)).containsExactly("asset.stored " + reused, "asset.stored " + fresh, "job.completed " + job);
    assertThat(Duration.between(sent, all.get(2).at())).as("not held for the original's output")
        .isLessThan(Duration.ofSeconds(10));
  }

  @Test
  void anOutputStoredUnderTheOriginalJobAfterTheRetryCompletedReleasesTheRetrysJobCompleted() {
    String path = path();
    String id = client.register(receiver.url(path), "job.completed", "asset.stored").get("id").asString();
    UUID original = job;
    UUID reused = UUID.randomUUID();
    job = UUID.randomUUID();
    events.send(completed(reused));
    await().atMost(WAIT).until(() -> client.deliveries(id).size() == 1);
    pause();
    assertThat(receiver.received(path)).as("held for the original's output").isEmpty();

    Instant stored = Instant.now();
    events.send(storedFor(original, reused, 0));
    List<Received> all = receivedAt(path, 2);
    assertThat(types(all)).containsExactly("asset.stored " + reused, "job.completed " + job);
    assertThat(Duration.between(stored, all.get(1).at())).as("released by the asset, not by the bound")
        .isLessThan(Duration.ofSeconds(10));
  }

  @Test
  void redeliveredEventsChangeNothing() {
    String path = path();
    String id = client.register(receiver.url(path), "job.completed", "asset.stored").get("id").asString();
    UUID asset = UUID.randomUUID();
    UUID completedEvent = events.send(completed(asset));
    await().atMost(WAIT).until(() -> client.deliveries(id).size() == 1);
    // While held: job.completed again.
    events.send(completed(asset), completedEvent);
    UUID storedEvent = events.send(stored(asset, 0));
    List<Received> delivered = receivedAt(path, 2);
    // After: both again.
    events.send(stored(asset, 0), storedEvent);
    events.send(completed(asset), completedEvent);
    readThrough(new GenerationCompleted(job, "someone-else", collection, 0, List.of(), Instant.now()));
    readThrough(new AssetStored(asset, "someone-else", collection, job, 0, 1, "https://s3/x", null, "image/png", 1,
        "00", Instant.now()));

    assertThat(types(delivered)).containsExactly("asset.stored " + asset, "job.completed " + job);
    assertThat(types(receiver.received(path))).as("nothing more").isEqualTo(types(delivered));
    await().atMost(WAIT).until(() -> client.deliveries(id).valueStream()
        .allMatch(d -> "delivered".equals(d.get("status").asString())));
    assertThat(client.deliveries(id)).hasSize(2);
    assertThat(receiver.received(path)).hasSize(2);
  }

  /**
   * Sends an event on the partition of an earlier one (same key) and waits until the fan-out read
   * it: what came before it on that partition was read too.
   */
  private void readThrough(io.emprops.events.contract.DomainEvent event) {
    UUID eventId = events.send(event);
    await().atMost(WAIT).until(() -> jdbc.sql("SELECT count(*) FROM inbox WHERE event_id = :id")
        .param("id", eventId).query(Long.class).single() == 1);
  }

  private GenerationCompleted completed(UUID... assets) {
    List<GenerationOutput> outputs = new java.util.ArrayList<>();
    for (int i = 0; i < assets.length; i++) {
      outputs.add(new GenerationOutput(0, i + 1, assets[i], "https://cdn.example/" + assets[i] + ".png",
          "image/png"));
    }
    return new GenerationCompleted(job, user, collection, assets.length, outputs, Instant.now());
  }

  private AssetStored stored(UUID asset, int step) {
    return storedFor(job, asset, step);
  }

  private AssetStored storedFor(UUID jobId, UUID asset, int step) {
    return new AssetStored(asset, user, collection, jobId, 0, step + 1, "https://s3/" + asset, null, "image/png", 1,
        "ab", Instant.now());
  }

  /** Time enough for a delivery that is due to arrive (the service sends one within milliseconds). */
  private static void pause() {
    try {
      Thread.sleep(1_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private String path() {
    return "/hook-" + UUID.randomUUID();
  }

  private List<Received> receivedAt(String path, int count) {
    await().atMost(WAIT).until(() -> receiver.received(path).size() >= count);
    return receiver.received(path);
  }

  /** "asset.stored <asset id>" or "job.… <job id>", in the order received. */
  private static List<String> types(List<Received> received) {
    return received.stream().map(r -> WebhooksClient.json(r.bodyText())).map(b -> b.get("type").asString() + " "
        + b.get("data").get(b.get("type").asString().startsWith("job.") ? "job_id" : "asset_id").asString())
        .toList();
  }
}
