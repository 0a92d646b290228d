package io.emprops.generator.domain.execution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.emprops.events.contract.CollectionSnapshot;
import io.emprops.events.contract.CollectionStatus;
import io.emprops.generator.api.CreditsServiceStandIn;
import io.emprops.generator.api.StorageServiceStandIn;
import io.emprops.generator.domain.workflow.WorkflowCatalog;
import io.emprops.generator.domain.workflow.WorkflowDraft;
import io.emprops.generator.persistence.CollectionViewRepository;
import io.emprops.generator.queue.WorkerSimulator;
import io.emprops.localstack.infra.Ports;
import io.emprops.localstack.infra.RedisServer;
import io.emprops.localstack.testing.EmbeddedInfrastructure;
import io.emprops.web.testing.GatewayCalls;
import io.lettuce.core.RedisClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.core.env.Environment;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The job queue's Redis restarts in the middle of a job (data kept in its append-only file, every
 * pub/sub subscription cut): the generator reconnects, learns from the hashes what it missed and
 * finishes the job. This class runs its own Redis so that restarting it disturbs no other test.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "spring.data.redis.url=redis://:${test.restartable-redis.password}@127.0.0.1:${test.restartable-redis.port}",
    "emprops.generator.execution.reconcile-interval=300ms",
    "emprops.generator.execution.reconcile-after=700ms"})
@EmbeddedInfrastructure(app = "generator-service")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RedisRestartTest {

  private static final int PORT = Ports.free();
  private static final Path DATA = temporaryDirectory();
  private static final String PASSWORD = io.emprops.localstack.infra.Secrets.random(16);
  private static RedisServer redis = RedisServer.start(PORT, DATA, PASSWORD);

  static {
    System.setProperty("test.restartable-redis.port", Integer.toString(PORT));
    System.setProperty("test.restartable-redis.password", PASSWORD);
  }

  @Autowired Environment environment;
  @Autowired CollectionViewRepository collections;
  @Autowired WorkflowCatalog workflows;
  private final JsonMapper json = JsonMapper.builder().build();

  // Created before any test: it answers only requests published after it subscribed.
  private final CreditsServiceStandIn credits = new CreditsServiceStandIn();
  private final StorageServiceStandIn storage = new StorageServiceStandIn();

  @AfterAll
  void stop() throws InterruptedException {
    credits.close();
    storage.close();
    redis.close();
  }

  @Test
  void aJobSurvivesARedisRestartBetweenItsSteps() throws InterruptedException {
    GatewayCalls calls = new GatewayCalls("http://127.0.0.1:" + environment.getProperty("local.server.port"),
        environment.getProperty("emprops.internal.secret"));
    String service = "restart-" + UUID.randomUUID().toString().substring(0, 8);
    String user = "restart-" + UUID.randomUUID();
    workflows.create(new WorkflowDraft("wf-" + service, "test", "direct_job", json.readTree("""
        {"template": {"prompt": "{{prompt}}", "init_image": "{{init_image}}"},
         "fields": [{"name": "prompt", "type": "text", "required": true},
                    {"name": "init_image", "type": "text", "default": ""}]}"""), service, 1L, List.of(), true));
    UUID collection = UUID.randomUUID();
    collections.apply(new CollectionSnapshot(collection, UUID.randomUUID(), user, 1, "t", "", CollectionStatus.DRAFT,
        false, json.readTree("""
            {"version": "v2",
             "steps": [{"id": 1, "nodeName": "wf-%1$s", "nodePayload": {"prompt": "first"}},
                       {"id": 2, "nodeName": "wf-%1$s", "nodePayload": {"prompt": "second", "init_image": {"$ref": 1}}}],
             "generations": {"generations": 1, "hashes": [], "use_custom_hashes": false}, "variables": []}"""
            .formatted(service)),
        null, null, null, null, null, false, null, false, false, false, Instant.now(), Instant.now()));

    try (RedisClient client = RedisClient.create(redis.url());
         WorkerSimulator worker = new WorkerSimulator(client, "w-restart", service)) {
      var accepted = calls.post("/collections/" + collection + "/generations", GatewayCalls.user(user), "{}");
      assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
      String jobId = json.readTree(accepted.body()).get("data").get("job_id").asString();
      worker.heartbeat();
      String first = await().atMost(Duration.ofSeconds(30)).until(() -> worker.claim().orElse(null), id -> id != null);

      redis.close();
      redis = RedisServer.start(PORT, DATA, PASSWORD);

      // Completed right after the restart: the generator's subscription may not be back yet.
      await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() -> {
        worker.heartbeat();
        worker.complete(first, image("https://cdn.test/first.png"));
      });
      String second = await().atMost(Duration.ofSeconds(30)).until(() -> worker.claim().orElse(null), id -> id != null);
      worker.complete(second, image("https://cdn.test/second.png"));

      await().atMost(Duration.ofSeconds(30)).until(() -> "completed".equals(
          json.readTree(calls.get("/jobs/" + jobId, GatewayCalls.user(user)).body()).get("data").get("status").asString()));
      JsonNode job = json.readTree(calls.get("/jobs/" + jobId, GatewayCalls.user(user)).body()).get("data");
      assertThat(job.get("outputs")).extracting(o -> storage.sourceOf(o.get("url").asString()))
          .containsExactly("https://cdn.test/first.png", "https://cdn.test/second.png");
    }
  }

  private tools.jackson.databind.node.ObjectNode image(String url) {
    return json.createObjectNode().put("image_url", url).put("mime_type", "image/png");
  }

  private static Path temporaryDirectory() {
    try {
      return Files.createTempDirectory("redis-restart-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
