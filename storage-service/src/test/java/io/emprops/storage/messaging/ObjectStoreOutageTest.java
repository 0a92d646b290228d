package io.emprops.storage.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.emprops.events.contract.AssetStoreFailed;
import io.emprops.events.contract.AssetStored;
import io.emprops.events.contract.EventHeaders;
import io.emprops.events.contract.EventJson;
import io.emprops.events.contract.GenerationStepCompleted;
import io.emprops.events.contract.Topic;
import io.emprops.events.testing.EventDelivery;
import io.emprops.events.testing.TopicRecorder;
import io.emprops.localstack.testing.SharedInfrastructure;
import io.emprops.localstack.testing.TcpProxy;
import io.emprops.storage.support.StorageServiceTest;
import io.emprops.storage.support.StoreInspector;
import io.emprops.web.testing.Images;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * An outage of the object store — the real S3 store, reached through a relay the test takes down —
 * outlasting the quick attempts does not cost a user their image: the output is kept and stored
 * once the store is back; only an outage longer than the patience gives it up.
 */
@StorageServiceTest
class ObjectStoreOutageTest {

  private static final Duration EVENTUALLY = Duration.ofSeconds(30);
  private static TcpProxy store;

  @DynamicPropertySource
  static void objectStoreThroughARelay(DynamicPropertyRegistry registry) throws IOException {
    store = new TcpProxy(URI.create(SharedInfrastructure.get().objectStore().url()).getPort());
    registry.add("emprops.storage.s3.endpoint", store::url);
    registry.add("emprops.storage.outputs.store-retry-interval", () -> "200ms");
  }

  @AfterAll
  static void closeRelay() throws IOException {
    store.close();
  }

  @Autowired JdbcClient jdbc;
  @Autowired MeterRegistry meters;

  private EventDelivery generator;
  private TopicRecorder topics;
  private StoreInspector objects;
  private final String user = "maker-" + UUID.randomUUID();

  @BeforeEach
  void connect() {
    generator = new EventDelivery(Topic.DEFAULT_NAMESPACE);
    topics = new TopicRecorder(List.of(Topic.ASSETS.topicName()));
    objects = new StoreInspector();
  }

  @AfterEach
  void disconnect() throws Exception {
    store.up();
    generator.close();
    topics.close();
    objects.close();
  }

  @Test
  void anOutputTheStoreFailsIsKeptAndStoredOnceTheStoreIsBack() throws Exception {
    UUID job = UUID.randomUUID();
    double deferredBefore = outputs("deferred");
    store.down();

    GenerationStepCompleted completed = stepCompleted(job);
    UUID first = generator.send(completed);
    await("the output kept for later").atMost(EVENTUALLY).until(() -> deferredRows(job) == 1);
    UUID repeated = generator.send(completed); // while it waits: still one output, stored once later
    await("the repeated event handled").atMost(EVENTUALLY).until(() -> handled(first) && handled(repeated));
    assertThat(outputs("deferred")).isEqualTo(deferredBefore + 1);
    assertThat(gauge()).isPositive();
    assertThat(deferredRows(job)).isEqualTo(1);
    assertThat(jdbc.sql("SELECT attempts FROM deferred_outputs WHERE job_id = :job").param("job", job)
        .query(Integer.class).single()).as("the quick attempts, then retries every 200 ms doubling").isGreaterThanOrEqualTo(3);
    assertThat(announcementsOf(job)).as("nothing said while the store is down").isEmpty();

    store.up();

    await("stored once the store is back").atMost(EVENTUALLY).until(() -> !announcementsOf(job).isEmpty());
    Thread.sleep(500); // a second announcement, if any, would follow within this
    assertThat(announcementsOf(job)).singleElement().satisfies(announced ->
        assertThat(TopicRecorder.header(announced, EventHeaders.EVENT_TYPE)).isEqualTo("AssetStored.v1"));
    AssetStored stored = EventJson.deserialize(announcementsOf(job).getFirst().value(), AssetStored.class);
    String key = "generations/" + user + "/" + job + "/0/1/step-1.png";
    assertThat(stored.url()).endsWith("/" + key);
    assertThat(objects.keys("generations/" + user + "/" + job + "/")).containsExactly(key);
    assertThat(deferredRows(job)).isZero();
  }

  @Test
  void anOutageLongerThanThePatienceGivesTheOutputUpAndTellsTheJob() throws IOException {
    UUID job = UUID.randomUUID();
    store.down();
    generator.send(stepCompleted(job));
    await("the output kept for later").atMost(EVENTUALLY).until(() -> deferredRows(job) == 1);

    // The patience runs out (its deadline moved to now, rather than waiting the default 8 minutes).
    jdbc.sql("UPDATE deferred_outputs SET give_up_at = now(), next_attempt_at = now() WHERE job_id = :job")
        .param("job", job).update();

    await("given up").atMost(EVENTUALLY).until(() -> !announcementsOf(job).isEmpty());
    var announced = announcementsOf(job).getFirst();
    assertThat(TopicRecorder.header(announced, EventHeaders.EVENT_TYPE)).isEqualTo("AssetStoreFailed.v1");
    AssetStoreFailed failed = EventJson.deserialize(announced.value(), AssetStoreFailed.class);
    assertThat(failed.code()).isEqualTo(AssetStoreFailed.STORE_UNAVAILABLE);
    assertThat(failed.reason()).contains("attempts over");
    assertThat(deferredRows(job)).isZero();
  }

  private GenerationStepCompleted stepCompleted(UUID job) {
    String png = "data:image/png;base64," + Base64.getEncoder().encodeToString(Images.png(24, 3));
    return new GenerationStepCompleted(job, user, null, 0, 1, png, "image/png", "step-1.png", Instant.now(), "0xhash",
        null, 0);
  }

  private long deferredRows(UUID job) {
    return jdbc.sql("SELECT count(*) FROM deferred_outputs WHERE job_id = :job").param("job", job)
        .query(Long.class).single();
  }

  private boolean handled(UUID eventId) {
    return jdbc.sql("SELECT EXISTS (SELECT 1 FROM inbox WHERE consumer_name = 'storage.store-generation-output'"
        + " AND event_id = :id)").param("id", eventId).query(Boolean.class).single();
  }

  private List<org.apache.kafka.clients.consumer.ConsumerRecord<String, byte[]>> announcementsOf(UUID job) {
    return topics.recordsOf(Topic.ASSETS.topicName()).stream()
        .filter(r -> job.toString().equals(jobOf(r)))
        .toList();
  }

  private static String jobOf(org.apache.kafka.clients.consumer.ConsumerRecord<String, byte[]> record) {
    String type = TopicRecorder.header(record, EventHeaders.EVENT_TYPE);
    if ("AssetStored.v1".equals(type)) {
      return String.valueOf(EventJson.deserialize(record.value(), AssetStored.class).jobId());
    }
    if ("AssetStoreFailed.v1".equals(type)) {
      return String.valueOf(EventJson.deserialize(record.value(), AssetStoreFailed.class).jobId());
    }
    return null;
  }

  private double outputs(String outcome) {
    var counter = meters.find("storage.outputs").tag("outcome", outcome).counter();
    return counter == null ? 0 : counter.count();
  }

  private double gauge() {
    return meters.get("storage.outputs.deferred").gauge().value();
  }
}
