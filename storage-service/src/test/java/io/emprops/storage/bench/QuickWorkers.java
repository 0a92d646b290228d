package io.emprops.storage.bench;

import io.emprops.jobqueue.ClaimedStep;
import io.emprops.jobqueue.QueueWorker;
import io.emprops.web.testing.Images;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Job-queue workers inside the benchmark's JVM that spend no CPU on their images: each claims a
 * step, reports once, waits its delay and completes with one of a few PNGs made at start (inline,
 * as the development worker returns them). The development worker paints every image, and four of
 * them took more than half of this 2-core machine, so the ingestion figures measured its
 * saturation, not ingestion.
 */
final class QuickWorkers implements AutoCloseable {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final Duration HEARTBEAT_EVERY = Duration.ofSeconds(5);

  private final RedisClient redis;
  private final List<Thread> threads = new ArrayList<>();
  private final List<String> images = new ArrayList<>();
  private final AtomicLong completed = new AtomicLong();
  private volatile boolean running = true;

  /** {@code count} workers on queue service {@code service}, each taking {@code delay} per step. */
  QuickWorkers(String redisUrl, String service, int count, Duration delay, int imageSide) {
    this.redis = RedisClient.create(redisUrl);
    for (int i = 0; i < 16; i++) {
      images.add(Base64.getEncoder().encodeToString(Images.noisePng(imageSide, i)));
    }
    for (int i = 0; i < count; i++) {
      String id = "bench-quick-worker-" + i;
      StatefulRedisConnection<String, String> connection = redis.connect();
      QueueWorker worker = new QueueWorker(connection, JSON, id);
      threads.add(Thread.ofPlatform().name(id).daemon(true).start(() -> work(worker, service, delay)));
    }
  }

  /** The size of one image, in bytes (before base64). */
  int imageBytes() {
    return Base64.getDecoder().decode(images.getFirst()).length;
  }

  private void work(QueueWorker worker, String service, Duration delay) {
    worker.forgetHeldSteps();
    long nextBeat = 0;
    while (running) {
      try {
        if (System.nanoTime() >= nextBeat) {
          worker.heartbeat();
          nextBeat = System.nanoTime() + HEARTBEAT_EVERY.toNanos();
        }
        Optional<ClaimedStep> claimed = worker.claim(service);
        if (claimed.isEmpty()) {
          LockSupport.parkNanos(Duration.ofMillis(5).toNanos());
          continue;
        }
        String step = claimed.get().stepId();
        worker.announceClaim(claimed.get());
        worker.start(step);
        worker.progress(step, 50, "half way");
        LockSupport.parkNanos(delay.toNanos());
        ObjectNode data = JSON.createObjectNode();
        data.put("image_base64", images.get((int) (completed.getAndIncrement() % images.size())));
        data.put("mime_type", "image/png");
        worker.complete(step, worker.connectorResult(data, delay.toMillis()));
      } catch (RuntimeException e) {
        if (running) {
          System.err.println(Thread.currentThread().getName() + ": " + e);
          LockSupport.parkNanos(Duration.ofSeconds(1).toNanos());
        }
      }
    }
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    for (Thread thread : threads) {
      thread.join(5_000);
    }
    redis.shutdown();
  }
}
