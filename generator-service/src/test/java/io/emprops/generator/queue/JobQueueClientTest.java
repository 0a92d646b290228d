package io.emprops.generator.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.emprops.jobqueue.QueueKeys;
import io.emprops.localstack.testing.SharedInfrastructure;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The client against real Redis 7 and a simulated worker that behaves as JOB-QUEUE.md says real
 * workers do. Each test uses its own service name, so tests never claim each other's steps.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JobQueueClientTest {

  private final JsonMapper json = JsonMapper.builder().build();
  private RedisClient redisClient;
  private StatefulRedisConnection<String, String> connection;
  private JobQueueClient client;
  private final Set<String> ours = ConcurrentHashMap.newKeySet();
  private final List<QueueEvent> events = new CopyOnWriteArrayList<>();
  private QueueSubscriber subscriber;

  @BeforeAll
  void connect() {
    redisClient = RedisClient.create(SharedInfrastructure.get().redis().url());
    connection = redisClient.connect();
    client = new JobQueueClient(connection, json, Clock.systemUTC());
    subscriber = new QueueSubscriber(redisClient, json, ours::contains, events::add);
  }

  @AfterAll
  void disconnect() {
    subscriber.close();
    connection.close();
    redisClient.shutdown();
  }

  private StepSubmission step(String service, int priority, long workflowStart) {
    String id = UUID.randomUUID().toString();
    ours.add(id);
    return new StepSubmission(id, service, priority, "{\"prompt\":\"a red fox\",\"seed\":7}", "user-1",
        Instant.parse("2026-11-25T10:00:00Z"), 3, "job-" + id, priority, workflowStart, 1, 2,
        "trace-1", "span-1", "trace-0", "span-0", "");
  }

  private static String service() {
    return "svc-" + UUID.randomUUID();
  }

  @Test
  void aSubmittedStepIsStoredScoredAndAnnouncedExactlyAsTheQueueDoes() throws Exception {
    List<String> announced = new CopyOnWriteArrayList<>();
    StatefulRedisPubSubConnection<String, String> observer = redisClient.connectPubSub();
    observer.addListener(new RedisPubSubAdapter<>() {
      @Override
      public void message(String channel, String message) {
        announced.add(message);
      }
    });
    observer.sync().subscribe(QueueKeys.CHANNEL_SUBMITTED);
    StepSubmission step = step(service(), 50, 1_764_064_800_123L);

    assertThat(client.submit(step)).isTrue();

    Map<String, String> hash = connection.sync().hgetall(QueueKeys.job(step.stepId()));
    assertThat(hash).containsExactlyInAnyOrderEntriesOf(Map.ofEntries(
        Map.entry("id", step.stepId()), Map.entry("service_required", step.serviceRequired()),
        Map.entry("priority", "50"), Map.entry("payload", "{\"prompt\":\"a red fox\",\"seed\":7}"),
        Map.entry("requirements", ""), Map.entry("customer_id", "user-1"),
        Map.entry("created_at", "2026-11-25T10:00:00Z"), Map.entry("status", "pending"),
        Map.entry("retry_count", "0"), Map.entry("max_retries", "3"), Map.entry("workflow_id", "job-" + step.stepId()),
        Map.entry("workflow_priority", "50"), Map.entry("workflow_datetime", "1764064800123"),
        Map.entry("current_step", "1"), Map.entry("total_steps", "2"), Map.entry("job_trace_id", "trace-1"),
        Map.entry("job_span_id", "span-1"), Map.entry("workflow_trace_id", "trace-0"),
        Map.entry("workflow_span_id", "span-0"), Map.entry("ctx", "")));
    assertThat(connection.sync().zscore(QueueKeys.PENDING, step.stepId()))
        .isEqualTo(50 * 1e15 - Math.floor(1_764_064_800_123L / 1000.0));

    await().atMost(Duration.ofSeconds(5)).until(() -> announced.stream().anyMatch(m -> m.contains(step.stepId())));
    JsonNode message = json.readTree(announced.stream().filter(m -> m.contains(step.stepId())).findFirst().orElseThrow());
    assertThat(message.get("status").asString()).isEqualTo("pending");
    assertThat(message.get("payload").get("prompt").asString()).isEqualTo("a red fox");
    assertThat(message.get("workflow_id").asString()).isEqualTo(step.workflowId());
    assertThat(message.get("current_step").asInt()).isEqualTo(1);
    assertThat(message.get("timestamp").asLong()).isPositive();
    observer.close();
  }

  @Test
  void resubmittingAStepIdNeitherRequeuesNorOverwritesIt() {
    String service = service();
    StepSubmission step = step(service, 50, System.currentTimeMillis());
    client.submit(step);
    try (WorkerSimulator worker = new WorkerSimulator(redisClient, "w-" + UUID.randomUUID(), service)) {
      assertThat(worker.claim()).contains(step.stepId());
    }

    assertThat(client.submit(step)).isFalse();

    assertThat(client.read(step.stepId()).status()).isEqualTo("assigned");
    assertThat(client.isPending(step.stepId())).isFalse();
  }

  @Test
  void higherPriorityAndThenOlderWorkflowsAreServedFirst() {
    String service = service();
    long now = System.currentTimeMillis();
    StepSubmission newer = step(service, 50, now);
    StepSubmission older = step(service, 50, now - 60_000);
    StepSubmission urgent = step(service, 90, now);
    List.of(newer, older, urgent).forEach(client::submit);

    try (WorkerSimulator worker = new WorkerSimulator(redisClient, "w-" + UUID.randomUUID(), service)) {
      assertThat(worker.claim()).contains(urgent.stepId());
      assertThat(worker.claim()).contains(older.stepId());
      assertThat(worker.claim()).contains(newer.stepId());
      assertThat(worker.claim()).isEmpty();
    }
  }

  @Test
  void aWorkersClaimProgressAndCompletionAreObservedAndReadable() {
    String service = service();
    StepSubmission step = step(service, 50, System.currentTimeMillis());
    client.submit(step);
    try (WorkerSimulator worker = new WorkerSimulator(redisClient, "w-" + UUID.randomUUID(), service)) {
      worker.heartbeat();
      worker.claim();
      worker.start(step.stepId());
      worker.progress(step.stepId(), 40, "sampling");
      var data = json.createObjectNode().put("image_url", "http://127.0.0.1/x.png").put("mime_type", "image/png");
      worker.complete(step.stepId(), data);

      await().atMost(Duration.ofSeconds(5)).until(() -> eventsFor(step.stepId()).size() >= 4);
      List<QueueEvent> seen = eventsFor(step.stepId());
      assertThat(seen.get(0)).isEqualTo(new QueueEvent.Claimed(step.stepId(), worker.workerId()));
      assertThat(seen).contains(new QueueEvent.Progress(step.stepId(), worker.workerId(), 40, "sampling"));
      QueueEvent.Completed completed = (QueueEvent.Completed) seen.getLast();
      assertThat(completed.result().get("data").get("image_url").asString()).isEqualTo("http://127.0.0.1/x.png");

      StepState state = client.read(step.stepId());
      assertThat(state.isCompleted()).isTrue();
      assertThat(state.workerId()).contains(worker.workerId());
      assertThat(state.progress()).containsEntry("progress", "40");
      // Stored as real workers store it: the reported result, wrapped once more.
      var stored = json.readTree(state.completedResult().orElseThrow());
      assertThat(stored.get("data")).isEqualTo(completed.result());
      assertThat(stored.get("data").get("data").get("mime_type").asString()).isEqualTo("image/png");
      assertThat(client.isWorkerAlive(worker.workerId())).isTrue();
    }
  }

  @Test
  void aRetryableFailureGoesBackToPendingWhileAPermanentOneIsTerminal() {
    String service = service();
    StepSubmission step = step(service, 50, System.currentTimeMillis());
    client.submit(step);
    try (WorkerSimulator worker = new WorkerSimulator(redisClient, "w-" + UUID.randomUUID(), service)) {
      worker.claim();
      worker.failRetryably(step.stepId());
      StepState retrying = client.read(step.stepId());
      assertThat(retrying.status()).isEqualTo("pending");
      assertThat(retrying.fields()).containsEntry("retry_count", "1");
      assertThat(retrying.isTerminal()).isFalse();
      assertThat(client.isPending(step.stepId())).isTrue();

      assertThat(worker.claim()).contains(step.stepId());
      worker.failPermanently(step.stepId(), "{\"message\":\"CUDA out of memory\"}");
      await().atMost(Duration.ofSeconds(5)).until(() -> eventsFor(step.stepId()).stream()
          .anyMatch(e -> e instanceof QueueEvent.Failed f && f.isPermanent()));
      StepState failed = client.read(step.stepId());
      assertThat(failed.isFailed()).isTrue();
      assertThat(json.readTree(failed.failure().orElseThrow()).get("error").asString()).contains("CUDA out of memory");
    }
  }

  @Test
  void cancellingRemovesAPendingStepAndTellsItsWorkerButLeavesFinishedStepsAlone() {
    String service = service();
    StepSubmission pending = step(service, 50, System.currentTimeMillis());
    client.submit(pending);

    assertThat(client.cancel(pending.stepId(), "user cancelled")).isEqualTo("pending");
    StepState cancelled = client.read(pending.stepId());
    assertThat(cancelled.isFailed()).isTrue();
    assertThat(cancelled.error()).contains("Job cancelled by user");
    assertThat(client.isPending(pending.stepId())).isFalse();

    StepSubmission done = step(service, 50, System.currentTimeMillis());
    client.submit(done);
    try (WorkerSimulator worker = new WorkerSimulator(redisClient, "w-" + UUID.randomUUID(), service)) {
      worker.claim();
      worker.complete(done.stepId(), json.createObjectNode());
    }
    assertThat(client.cancel(done.stepId(), "too late")).isEqualTo("completed");
    assertThat(client.read(done.stepId()).isCompleted()).isTrue();
    assertThat(client.cancel("no-such-step", "x")).isEqualTo("missing");
  }

  @Test
  void abandoningIsWrittenAsTheQueueWritesAFailureNotAsAUsersCancel() {
    List<String[]> announced = new CopyOnWriteArrayList<>();
    StatefulRedisPubSubConnection<String, String> observer = redisClient.connectPubSub();
    observer.addListener(new RedisPubSubAdapter<>() {
      @Override
      public void message(String channel, String message) {
        announced.add(new String[] {channel, message});
      }
    });
    observer.sync().subscribe(QueueKeys.CHANNEL_FAILED, QueueKeys.CHANNEL_CANCEL);
    String service = service();
    StepSubmission step = step(service, 50, System.currentTimeMillis());
    client.submit(step);
    try (WorkerSimulator worker = new WorkerSimulator(redisClient, "w-" + UUID.randomUUID(), service)) {
      worker.claim();
      worker.start(step.stepId());
      assertThat(client.read(step.stepId()).heldByWorker()).contains(true);

      String reason = "Abandoned by EmProps: worker " + worker.workerId() + " stopped heartbeating; resubmitted as x";
      assertThat(client.abandon(step.stepId(), reason)).isEqualTo("in_progress");

      StepState abandoned = client.read(step.stepId());
      assertThat(abandoned.isFailed()).isTrue();
      assertThat(abandoned.error()).contains(reason);
      JsonNode failure = json.readTree(abandoned.failure().orElseThrow());
      assertThat(failure.get("error").asString()).isEqualTo(reason);
      assertThat(failure.get("failed_at").asString()).isEqualTo(abandoned.fields().get("failed_at"));
      assertThat(failure.get("retry_count").asInt()).isZero();
      assertThat(connection.sync().ttl(QueueKeys.FAILED)).as("kept 7 days, as the queue keeps it")
          .isBetween(604_000L, 604_800L);
      assertThat(worker.holds(step.stepId())).as("out of the worker's active set").isFalse();
      assertThat(abandoned.heldByWorker()).contains(false);
      await().atMost(Duration.ofSeconds(5)).until(() -> announced.size() >= 2);
      JsonNode failed = json.readTree(announced.stream().filter(m -> m[0].equals(QueueKeys.CHANNEL_FAILED))
          .findFirst().orElseThrow()[1]);
      assertThat(failed.get("job_id").asString()).isEqualTo(step.stepId());
      assertThat(failed.get("can_retry").asBoolean()).isFalse();
      assertThat(failed.get("worker_id").asString()).isEqualTo(worker.workerId());
      assertThat(announced).anyMatch(m -> m[0].equals(QueueKeys.CHANNEL_CANCEL) && m[1].contains(step.stepId()));
      assertThat(client.abandon(step.stepId(), "again")).as("a terminal step is left alone").isEqualTo("failed");
    } finally {
      observer.close();
    }

    // A user's cancel stays the queue API's own cancel: no failure entry.
    StepSubmission cancelled = step(service, 50, System.currentTimeMillis());
    client.submit(cancelled);
    client.cancel(cancelled.stepId(), "user cancelled");
    assertThat(client.read(cancelled.stepId()).error()).contains("Job cancelled by user");
    assertThat(client.read(cancelled.stepId()).failure()).isEmpty();
  }

  @Test
  void aWorkerRestartedUnderTheSameIdNoLongerHoldsItsStep() {
    String service = service();
    StepSubmission step = step(service, 50, System.currentTimeMillis());
    client.submit(step);
    assertThat(client.read(step.stepId()).heldByWorker()).as("no worker yet").isEmpty();
    try (WorkerSimulator worker = new WorkerSimulator(redisClient, "w-" + UUID.randomUUID(), service)) {
      worker.claim();
      assertThat(client.read(step.stepId()).isOrphaned()).isFalse();
      worker.restart();
      StepState lost = client.read(step.stepId());
      assertThat(lost.isInFlight()).isTrue();
      assertThat(client.isWorkerAlive(worker.workerId())).as("its heartbeat cannot tell").isTrue();
      assertThat(lost.isOrphaned()).isTrue();
    }
  }

  @Test
  void aWorkerThatStopsHeartbeatingIsSeenAsDead() {
    try (WorkerSimulator worker = new WorkerSimulator(redisClient, "w-" + UUID.randomUUID(), service())) {
      worker.heartbeat();
      assertThat(client.isWorkerAlive(worker.workerId())).isTrue();
      worker.die();
      assertThat(client.isWorkerAlive(worker.workerId())).isFalse();
    }
  }

  @Test
  void otherClientsStepsAreIgnored() {
    String service = service();
    StepSubmission foreign = new StepSubmission("foreign-" + UUID.randomUUID(), service, 50, "{}", "", Instant.now(),
        3, "someone-elses-job", 50, System.currentTimeMillis(), 1, 1, "", "", "", "", "");
    client.submit(foreign);
    StepSubmission mine = step(service, 50, System.currentTimeMillis() + 1000);
    client.submit(mine);
    try (WorkerSimulator worker = new WorkerSimulator(redisClient, "w-" + UUID.randomUUID(), service)) {
      worker.claim();
      worker.claim();
    }
    await().atMost(Duration.ofSeconds(5)).until(() -> !eventsFor(mine.stepId()).isEmpty());
    assertThat(eventsFor(foreign.stepId())).isEmpty();
  }

  @Test
  void priorityZeroIsRefusedBecauseTheQueueReadsItAsUnset() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> new StepSubmission("x", "s", 0, "{}", "", Instant.now(),
            3, "w", 0, 1, 1, 1, "", "", "", "", ""))
        .isInstanceOf(IllegalArgumentException.class);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> new StepSubmission("x", "s", 50, "{}", "", Instant.now(),
            0, "w", 50, 1, 1, 1, "", "", "", "", ""))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private List<QueueEvent> eventsFor(String stepId) {
    return events.stream().filter(e -> e.stepId().equals(stepId)).toList();
  }
}
