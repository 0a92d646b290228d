package io.emprops.devworker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.emprops.localstack.testing.SharedInfrastructure;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The development worker against real Redis, fed steps written as the queue's API writes them. */
class DevWorkerTest {

  private final JsonMapper json = JsonMapper.builder().build();
  private final String service = "mock-" + UUID.randomUUID();
  private final List<String[]> messages = new CopyOnWriteArrayList<>();
  private RedisClient client;
  private RedisCommands<String, String> redis;
  private StatefulRedisPubSubConnection<String, String> observer;
  private DevWorker worker;
  private Thread loop;

  @BeforeEach
  void start() {
    String url = SharedInfrastructure.get().redis().url();
    client = RedisClient.create(url);
    redis = client.connect().sync();
    observer = client.connectPubSub();
    observer.addListener(new RedisPubSubAdapter<>() {
      @Override
      public void message(String channel, String message) {
        messages.add(new String[] {channel, message});
      }
    });
    observer.sync().subscribe("job_claimed", "update_job_progress", "complete_job", "job_failed");
    worker = new DevWorker(url, "dev-" + UUID.randomUUID(), service, 3, Duration.ofMillis(20));
    loop = Thread.ofVirtual().start(() -> {
      try {
        worker.run();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
  }

  @AfterEach
  void stop() throws InterruptedException {
    worker.close();
    loop.join(5000);
    observer.close();
    client.shutdown();
  }

  private String submit(String payload) {
    String id = UUID.randomUUID().toString();
    redis.hset("job:" + id, Map.ofEntries(Map.entry("id", id), Map.entry("service_required", service),
        Map.entry("priority", "50"), Map.entry("payload", payload), Map.entry("status", "pending"),
        Map.entry("retry_count", "0"), Map.entry("max_retries", "3"), Map.entry("workflow_id", "job-1"),
        Map.entry("workflow_priority", "50"), Map.entry("workflow_datetime", Long.toString(System.currentTimeMillis())),
        Map.entry("created_at", Instant.now().toString())));
    redis.zadd("jobs:pending", 50e15, id);
    return id;
  }

  private List<JsonNode> on(String channel, String stepId) {
    return messages.stream().filter(m -> m[0].equals(channel)).map(m -> json.readTree(m[1]))
        .filter(n -> n.path("job_id").asString().equals(stepId)).toList();
  }

  @Test
  void paintsTheRequestedPngAndReportsEveryPhaseOfTheProtocol() throws Exception {
    String step = submit("{\"prompt\": \"a lighthouse at dusk\", \"seed\": 42, \"width\": 320, \"height\": 200}");

    await().atMost(Duration.ofSeconds(15)).until(() -> !on("complete_job", step).isEmpty());

    assertThat(on("job_claimed", step)).hasSize(1);
    assertThat(on("update_job_progress", step)).extracting(n -> n.get("progress").asInt()).containsExactly(0, 25, 50, 75);
    JsonNode data = on("complete_job", step).getFirst().get("result").get("data");
    assertThat(data.get("mime_type").asString()).isEqualTo("image/png");
    BufferedImage image = ImageIO.read(new ByteArrayInputStream(Base64.getDecoder().decode(data.get("image_base64").asString())));
    assertThat(image.getWidth()).isEqualTo(320);
    assertThat(image.getHeight()).isEqualTo(200);

    assertThat(redis.hget("job:" + step, "status")).isEqualTo("completed");
    // Stored as real workers store it: the reported result wrapped once more.
    JsonNode stored = json.readTree(redis.hget("jobs:completed", step));
    assertThat(stored.get("success").asBoolean()).isTrue();
    assertThat(stored.get("completed_at").asString()).isNotBlank();
    assertThat(stored.get("data")).isEqualTo(on("complete_job", step).getFirst().get("result"));
    assertThat(stored.get("data").get("data").get("image_base64").asString()).isEqualTo(data.get("image_base64").asString());
    assertThat(stored.get("data").get("processing_time_ms").isNumber()).isTrue();
    assertThat(redis.hget("job:" + step + ":progress", "progress")).isEqualTo("75");
    assertThat(redis.exists("worker:" + on("job_claimed", step).getFirst().get("worker_id").asString() + ":heartbeat")).isEqualTo(1);
  }

  @Test
  void theSamePromptAndSeedPaintTheSameBytesAndOthersDiffer() {
    byte[] first = DeterministicArt.png("a red fox", 7, 128, 128);
    assertThat(DeterministicArt.png("a red fox", 7, 128, 128)).isEqualTo(first);
    assertThat(DeterministicArt.png("a red fox", 8, 128, 128)).isNotEqualTo(first);
    assertThat(DeterministicArt.png("a blue fox", 7, 128, 128)).isNotEqualTo(first);
  }

  /**
   * Reproducibility of a token's image (the same collection and hash give the generator the same
   * step input): the worker paints the same bytes for the same step input, however often it runs.
   */
  @Test
  void theSameStepInputRunTwicePaintsIdenticalBytes() {
    String input = "{\"prompt\": \"a fox, wild\", \"seed\": 2914370012, \"width\": 256, \"height\": 256}";
    String first = submit(input);
    String second = submit(input);
    String other = submit(input.replace("2914370012", "2914370013"));

    await().atMost(Duration.ofSeconds(15)).until(() -> !on("complete_job", first).isEmpty()
        && !on("complete_job", second).isEmpty() && !on("complete_job", other).isEmpty());

    byte[] firstBytes = paintedBytes(first);
    assertThat(firstBytes).isNotEmpty();
    assertThat(paintedBytes(second)).isEqualTo(firstBytes);
    assertThat(paintedBytes(other)).as("another seed, another image").isNotEqualTo(firstBytes);
  }

  private byte[] paintedBytes(String step) {
    JsonNode data = on("complete_job", step).getFirst().get("result").get("data");
    return Base64.getDecoder().decode(data.get("image_base64").asString());
  }

  @Test
  void aPayloadWithoutPromptFailsForGood() {
    String step = submit("{\"seed\": 1}");
    await().atMost(Duration.ofSeconds(15)).until(() -> !on("job_failed", step).isEmpty());
    JsonNode failed = on("job_failed", step).getFirst();
    assertThat(failed.get("can_retry").asBoolean()).isFalse();
    assertThat(redis.hget("job:" + step, "status")).isEqualTo("failed");
    assertThat(redis.hget("jobs:failed", step)).contains("no prompt");
  }

  @Test
  void aFailOncePromptFailsItsFirstAttemptAndTheSameInputSucceedsWhenRunAgain() {
    String input = "{\"prompt\": \"[fail-once] a fox " + UUID.randomUUID() + "\", \"seed\": 3}";
    String first = submit(input);
    await().atMost(Duration.ofSeconds(15)).until(() -> !on("job_failed", first).isEmpty());
    assertThat(on("job_failed", first).getFirst().get("error").asString()).contains("[fail-once]");
    assertThat(redis.hget("job:" + first, "status")).isEqualTo("failed");
    assertThat(redis.hget("jobs:failed", first)).contains("[fail-once]");

    // The retry: the same step input under a new submission id, as the generator writes it.
    String retry = submit(input);
    await().atMost(Duration.ofSeconds(15)).until(() -> !on("complete_job", retry).isEmpty());
    assertThat(on("job_failed", retry)).isEmpty();
    assertThat(redis.hget("job:" + retry, "status")).isEqualTo("completed");
    assertThat(paintedBytes(retry)).isNotEmpty();
    assertThat(on("complete_job", first)).as("the failed attempt never completes").isEmpty();

    // Remembered per input, for a day: another input with the marker fails its own first attempt.
    String other = submit(input.replace("\"seed\": 3", "\"seed\": 4"));
    await().atMost(Duration.ofSeconds(15)).until(() -> !on("job_failed", other).isEmpty());
    assertThat(on("complete_job", other)).isEmpty();
    Long ttl = redis.ttl(redis.keys("dev-worker:fail-once:*").getFirst());
    assertThat(ttl).isBetween(DevWorker.FAIL_ONCE_MEMORY.toSeconds() - 60, DevWorker.FAIL_ONCE_MEMORY.toSeconds());
  }

  @Test
  void aStepCancelledWhileRunningIsNotCompleted() {
    worker.close();
    // 20 paint steps of 500 ms: the cancel below lands long before the step could end (even on a
    // loaded machine), and the worker, which looks between paint steps, leaves it within 500 ms.
    DevWorker slow = new DevWorker(SharedInfrastructure.get().redis().url(), "slow-" + UUID.randomUUID(), service, 20,
        Duration.ofMillis(500));
    Thread slowLoop = Thread.ofVirtual().start(() -> {
      try {
        slow.run();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    try {
      String step = submit("{\"prompt\": \"x\"}");
      // Sync point: the worker has started the step (its claim message comes just before it writes
      // in_progress, which would overwrite a cancel made in between).
      await().atMost(Duration.ofSeconds(10)).until(() -> "in_progress".equals(redis.hget("job:" + step, "status")));
      redis.hset("job:" + step, Map.of("status", "failed", "error", "Job cancelled by user"));
      // Sync point: the worker runs one step at a time, so once it claims the next step it is done
      // with the cancelled one — completing it would have come before.
      String next = submit("{\"prompt\": \"y\"}");
      await().atMost(Duration.ofSeconds(10)).until(() -> !on("job_claimed", next).isEmpty());
      assertThat(on("complete_job", step)).isEmpty();
      assertThat(redis.hget("job:" + step, "status")).isEqualTo("failed");
    } finally {
      slow.close();
      slowLoop.interrupt();
    }
  }
}
