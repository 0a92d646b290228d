package io.emprops.devworker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.emprops.localstack.infra.Ports;
import io.emprops.localstack.infra.RedisServer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.sync.RedisCommands;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The development worker on a Redis of its own that is killed ({@code kill -9}) while a step is
 * being painted and comes back on its append-only file, as in the chaos run that found a worker
 * dropping the step it held: the progress it could not report is skipped and the step completes.
 */
class DevWorkerRedisCrashTest {

  @Test
  void aStepInHandIsCompletedWhenRedisComesBackAfterACrash() throws Exception {
    String password = "crash-" + UUID.randomUUID().toString().replace("-", "");
    int port = Ports.freeBlock(23_000 + (int) (ProcessHandle.current().pid() % 500) * 2, 1);
    RedisServer server = RedisServer.start(port, Files.createTempDirectory("emprops-redis-crash-"), password);
    // Commands time out after 1 s, so that the minutes without Redis fail the worker's calls
    // instead of waiting for the reconnection (what a loading Redis does to them too).
    String url = "redis://:" + password + "@127.0.0.1:" + port;
    String service = "mock-" + UUID.randomUUID();
    DevWorker worker = new DevWorker(url + "?timeout=1s", "dev-" + UUID.randomUUID(), service, 6, Duration.ofMillis(500));
    Thread loop = Thread.ofVirtual().start(() -> {
      try {
        worker.run();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    RedisClient client = RedisClient.create(url);
    try {
      RedisCommands<String, String> redis = client.connect().sync();
      String step = UUID.randomUUID().toString();
      redis.hset("job:" + step, Map.ofEntries(Map.entry("id", step), Map.entry("service_required", service),
          Map.entry("priority", "50"), Map.entry("payload", "{\"prompt\": \"a storm\", \"seed\": 7}"),
          Map.entry("status", "pending"), Map.entry("retry_count", "0"), Map.entry("max_retries", "3"),
          Map.entry("workflow_id", "job-1"), Map.entry("workflow_priority", "50"),
          Map.entry("workflow_datetime", Long.toString(System.currentTimeMillis())),
          Map.entry("created_at", Instant.now().toString())));
      redis.zadd("jobs:pending", 50e15, step);
      await().atMost(Duration.ofSeconds(10)).until(() -> "in_progress".equals(redis.hget("job:" + step, "status")));

      ProcessHandle redisProcess = server.process().orElseThrow();
      redisProcess.destroyForcibly();
      redisProcess.onExit().get();
      Thread.sleep(3_500); // the painting goes on; its progress reports and the completion fail meanwhile
      server.restart();

      await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> "completed".equals(redis.hget("job:" + step, "status")));
      // The status and the result are two writes, as a real worker makes them; when Redis is still
      // loading its file the second may time out and be written on the worker's next attempt.
      await().atMost(Duration.ofSeconds(10)).ignoreExceptions().untilAsserted(() ->
          assertThat(redis.hexists("jobs:completed", step)).as("the result stored as real workers store it").isTrue());
    } finally {
      worker.close();
      loop.join(5_000);
      client.shutdown();
      server.close();
    }
  }
}
