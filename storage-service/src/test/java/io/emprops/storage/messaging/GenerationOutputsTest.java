package io.emprops.storage.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import io.emprops.events.contract.AssetStoreFailed;
import io.emprops.events.contract.AssetStored;
import io.emprops.events.contract.EventHeaders;
import io.emprops.events.contract.EventJson;
import io.emprops.events.contract.GenerationStepCompleted;
import io.emprops.events.contract.Topic;
import io.emprops.events.testing.EventDelivery;
import io.emprops.events.testing.TopicRecorder;
import io.emprops.web.testing.Images;
import io.emprops.storage.support.StorageServiceTest;
import io.emprops.storage.support.StoreInspector;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * "Stored outputs" (ARCHITECTURE.md): {@code GenerationStepCompleted} on Kafka, as the generator's
 * relay sends it, becomes an object under the generation's key, a row and {@code AssetStored}.
 */
@StorageServiceTest
class GenerationOutputsTest {

  private static final Duration EVENTUALLY = Duration.ofSeconds(30);
  private static final String CONSUMER = "storage.store-generation-output";

  @Autowired JdbcClient jdbc;
  @Autowired MeterRegistry meters;

  private EventDelivery generator;
  private TopicRecorder topics;
  private StoreInspector store;
  private final String user = "maker-" + UUID.randomUUID();

  @BeforeEach
  void connect() {
    generator = new EventDelivery(Topic.DEFAULT_NAMESPACE);
    topics = new TopicRecorder(List.of(Topic.ASSETS.topicName(), Topic.GENERATIONS.topicName() + ".dlt"));
    store = new StoreInspector();
  }

  @AfterEach
  void disconnect() throws InterruptedException {
    generator.close();
    topics.close();
    store.close();
  }

  @Test
  void anInlineOutputIsStoredUnderItsGenerationKeyAndAnnounced() throws Exception {
    byte[] png = Images.png(40, 7);
    UUID job = UUID.randomUUID();
    UUID collection = UUID.randomUUID();

    generator.send(stepCompleted(job, collection, 2, 5, dataUrl(png), "image/png", "step-5.png"));

    AssetStored stored = awaitStored(job).getFirst();
    String key = "generations/" + user + "/" + job + "/2/5/step-5.png";
    assertThat(stored.userId()).isEqualTo(user);
    assertThat(stored.collectionId()).isEqualTo(collection);
    assertThat(stored.generation()).isEqualTo(2);
    assertThat(stored.stepId()).isEqualTo(5);
    assertThat(stored.mimeType()).isEqualTo("image/png");
    assertThat(stored.size()).isEqualTo(png.length);
    assertThat(stored.sha256()).isEqualTo(Images.sha256(png));
    assertThat(stored.url()).endsWith("/" + key);
    assertThat(stored.cdnUrl()).isEqualTo(store.bucketUrl() + "/" + key);
    assertThat(store.head(key).cacheControl()).isEqualTo("public, max-age=31536000, immutable");

    // The CDN URL serves the PNG to anyone.
    HttpResponse<byte[]> image = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create(stored.cdnUrl())).build(), HttpResponse.BodyHandlers.ofByteArray());
    assertThat(image.statusCode()).isEqualTo(200);
    assertThat(Images.isPng(image.body())).isTrue();
    assertThat(image.body()).hasSize(png.length);
    assertThat(ingestion().count()).isPositive();
  }

  @Test
  void aRedeliveredOrRepeatedStepCompletionStoresOnce() {
    UUID job = UUID.randomUUID();
    GenerationStepCompleted event = stepCompleted(job, null, 0, 1, dataUrl(Images.png(24, 8)), "image/png", "step-1.png");
    double duplicatesBefore = outputs("duplicate");

    UUID eventId = generator.send(event);
    generator.send(event, eventId);        // redelivery: the inbox acknowledges it unhandled
    generator.send(event);                 // the same step again, under a new event id

    await().atMost(EVENTUALLY).until(() -> outputs("duplicate") >= duplicatesBefore + 1);
    assertThat(awaitStored(job)).hasSize(1);
    assertThat(jdbc.sql("SELECT count(*) FROM assets WHERE job_id = ?").param(job).query(Long.class).single())
        .isEqualTo(1);
    assertThat(store.keys("generations/" + user + "/" + job + "/")).containsExactly(
        "generations/" + user + "/" + job + "/0/1/step-1.png");
  }

  @Test
  void eachFileOfAStepIsStoredOnceUnderItsOwnKey() {
    UUID job = UUID.randomUUID();
    byte[] first = Images.png(24, 1);
    byte[] second = Images.png(24, 2);
    GenerationStepCompleted one = stepCompleted(job, null, 1, 3, dataUrl(first), "image/png", "step-3.png", 0);
    GenerationStepCompleted two = stepCompleted(job, null, 1, 3, dataUrl(second), "image/png", "step-3-1.png", 1);
    double duplicatesBefore = outputs("duplicate");

    UUID oneId = generator.send(one);
    generator.send(two);
    generator.send(one, oneId);            // a redelivery
    generator.send(two);                   // the same file again, under a new event id

    await().atMost(EVENTUALLY).until(() -> outputs("duplicate") >= duplicatesBefore + 1 && storedOf(job).size() == 2);
    List<AssetStored> stored = storedOf(job);
    assertThat(stored).extracting(AssetStored::outputIndex).containsExactlyInAnyOrder(0, 1);
    assertThat(stored).allSatisfy(asset -> assertThat(asset.stepId()).isEqualTo(3));
    AssetStored secondAsset = stored.stream().filter(a -> a.outputIndex() == 1).findFirst().orElseThrow();
    assertThat(secondAsset.sha256()).isEqualTo(Images.sha256(second));
    assertThat(secondAsset.cdnUrl()).endsWith("/" + job + "/1/3/step-3-1.png");
    assertThat(jdbc.sql("SELECT count(*) FROM assets WHERE job_id = ?").param(job).query(Long.class).single())
        .isEqualTo(2);
    assertThat(store.keys("generations/" + user + "/" + job + "/")).containsExactlyInAnyOrder(
        "generations/" + user + "/" + job + "/1/3/step-3.png", "generations/" + user + "/" + job + "/1/3/step-3-1.png");
  }

  @Test
  void anEventWrittenBeforeOutputIndexExistedIsKnownByItsFileName() {
    UUID job = UUID.randomUUID();
    generator.send(new GenerationStepCompleted(job, user, null, 0, 2, dataUrl(Images.png(16, 4)), "image/png",
        "step-2-2.png", Instant.now(), null, null));

    AssetStored stored = awaitStored(job).getFirst();
    assertThat(stored.outputIndex()).isEqualTo(2);
    assertThat(jdbc.sql("SELECT output_index FROM assets WHERE job_id = ?").param(job).query(Integer.class).single())
        .isEqualTo(2);
  }

  @Test
  void anOutputUrlThatResolvesToAPrivateAddressIsRefusedUnseenAndTheJobIsTold() throws Exception {
    AtomicInteger requests = new AtomicInteger();
    HttpServer internal = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    internal.createContext("/", exchange -> {
      requests.incrementAndGet();
      exchange.sendResponseHeaders(200, 0);
      exchange.close();
    });
    internal.start();
    try {
      UUID job = UUID.randomUUID();
      // 127.0.0.1 is on the test's allow-list: the private-address rule is what refuses it.
      generator.send(stepCompleted(job, null, 0, 1,
          "http://127.0.0.1:" + internal.getAddress().getPort() + "/secret.png", "image/png", "step-1.png", 0));

      AssetStoreFailed failed = awaitFailed(job);
      assertThat(failed.code()).isEqualTo(AssetStoreFailed.REFUSED);
      assertThat(failed.reason()).contains("resolves to a private or reserved address");
      assertThat(failed.userId()).isEqualTo(user);
      assertThat(List.of(failed.generation(), failed.stepId(), failed.outputIndex())).containsExactly(0, 1, 0);
      assertThat(failed.fileName()).isEqualTo("step-1.png");
      assertThat(requests).as("requests that reached the internal server").hasValue(0);
      assertThat(jdbc.sql("SELECT count(*) FROM assets WHERE job_id = ?").param(job).query(Long.class).single()).isZero();
      assertThat(store.keys("generations/" + user + "/" + job + "/")).isEmpty();
    } finally {
      internal.stop(0);
    }
  }

  @Test
  void anOutputOffTheAllowListOrMalformedIsRefusedWithItsReasonNotDeadLettered() {
    UUID offListJob = UUID.randomUUID();
    UUID malformedJob = UUID.randomUUID();
    UUID offList = generator.send(stepCompleted(offListJob, null, 0, 1,
        "https://attacker.example/x.png", "image/png", "step-1.png", 0));
    UUID malformed = generator.send(stepCompleted(malformedJob, null, 0, 1,
        "data:image/png;base64,***", "image/png", "step-1.png", 0));

    assertThat(awaitFailed(offListJob).reason()).contains("not on the output allow-list");
    assertThat(awaitFailed(malformedJob).reason()).contains("malformed data: URL");
    assertThat(awaitFailed(malformedJob).code()).isEqualTo(AssetStoreFailed.REFUSED);
    assertThat(deadLetters(offList)).as("a refusal is an answer, not a poison event").isEmpty();
    assertThat(deadLetters(malformed)).isEmpty();
  }

  @Test
  void aSourceThatCannotBeReachedIsTriedAgainThenGivenUp() {
    UUID job = UUID.randomUUID();
    double failedBefore = outputs("failed");
    generator.send(stepCompleted(job, null, 0, 1, "https://unresolvable.invalid/out.png", "image/png", "step-1.png", 0));

    AssetStoreFailed failed = awaitFailed(job);
    assertThat(failed.code()).isEqualTo(AssetStoreFailed.UNREACHABLE);
    assertThat(failed.reason()).contains("could not resolve host unresolvable.invalid").contains("(3 attempts)");
    assertThat(outputs("failed")).isEqualTo(failedBefore + 1);
    assertThat(storedOf(job)).isEmpty();
  }

  private GenerationStepCompleted stepCompleted(UUID job, UUID collection, int generation, int step, String url,
      String mimeType, String fileName) {
    return stepCompleted(job, collection, generation, step, url, mimeType, fileName, 0);
  }

  private GenerationStepCompleted stepCompleted(UUID job, UUID collection, int generation, int step, String url,
      String mimeType, String fileName, int outputIndex) {
    return new GenerationStepCompleted(job, user, collection, generation, step, url, mimeType, fileName,
        Instant.now(), "0xhash", null, outputIndex);
  }

  private static String dataUrl(byte[] png) {
    return "data:image/png;base64," + Base64.getEncoder().encodeToString(png);
  }

  private List<AssetStored> awaitStored(UUID job) {
    await().atMost(EVENTUALLY).until(() -> !storedOf(job).isEmpty());
    return storedOf(job);
  }

  private List<AssetStored> storedOf(UUID job) {
    return topics.recordsOf(Topic.ASSETS.topicName()).stream()
        .filter(r -> "AssetStored.v1".equals(TopicRecorder.header(r, EventHeaders.EVENT_TYPE)))
        .map(r -> EventJson.deserialize(r.value(), AssetStored.class))
        .filter(a -> job.equals(a.jobId()))
        .toList();
  }

  private AssetStoreFailed awaitFailed(UUID job) {
    return await().atMost(EVENTUALLY).until(() -> topics.recordsOf(Topic.ASSETS.topicName()).stream()
        .filter(r -> "AssetStoreFailed.v1".equals(TopicRecorder.header(r, EventHeaders.EVENT_TYPE)))
        .map(r -> EventJson.deserialize(r.value(), AssetStoreFailed.class))
        .filter(f -> job.equals(f.jobId()))
        .findFirst(), java.util.Optional::isPresent).orElseThrow();
  }

  private List<ConsumerRecord<String, byte[]>> deadLetters(UUID eventId) {
    return topics.recordsOf(Topic.GENERATIONS.topicName() + ".dlt").stream()
        .filter(r -> eventId.toString().equals(TopicRecorder.header(r, EventHeaders.EVENT_ID)))
        .toList();
  }

  private double outputs(String outcome) {
    var counter = meters.find("storage.outputs").tag("outcome", outcome).counter();
    return counter == null ? 0 : counter.count();
  }

  private Timer ingestion() {
    return meters.find("storage.output.ingestion").timer();
  }
}
