package io.emprops.generator.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.emprops.generator.domain.job.Job;
import io.emprops.generator.persistence.JobRepository;
import io.emprops.generator.progress.JobEvent;
import io.emprops.generator.progress.JobEventLog;
import io.emprops.generator.progress.JobEventRelay;
import io.emprops.localstack.testing.EmbeddedInfrastructure;
import io.emprops.web.identity.CallerIdentity;
import io.emprops.web.testing.GatewayCalls;
import io.lettuce.core.RedisClient;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * GET /jobs/{id}/events over real Postgres and Redis: events are recorded with the event log, in
 * transactions, as the engine records them, and read by a plain HTTP client parsing the stream.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = "emprops.generator.stream.heartbeat=300ms")
@EmbeddedInfrastructure(app = "generator-service")
class JobEventStreamSseTest {

  private static final long WAIT_SECONDS = 10;

  @Autowired Environment environment;
  @Autowired JobRepository jobs;
  @Autowired JobEventLog events;
  @Autowired JdbcClient jdbc;
  @Autowired JsonMapper json;
  @Autowired PlatformTransactionManager transactionManager;
  @Autowired MeterRegistry meters;
  @Autowired javax.sql.DataSource dataSource;
  private GatewayCalls calls;
  private TransactionTemplate tx;

  @BeforeEach
  void connect() {
    calls = new GatewayCalls("http://127.0.0.1:" + environment.getProperty("local.server.port"),
        environment.getProperty("emprops.internal.secret"));
    tx = new TransactionTemplate(transactionManager);
  }

  @Test
  void liveEventsArriveInOrderWithTheirIdsAndNamesAndTheStreamClosesAfterTheJobCompleted() {
    String user = newUser();
    UUID job = newJob(user, "queued");
    try (Sse sse = Sse.open(calls, user, "/jobs/" + job + "/events", null)) {
      assertThat(sse.status()).isEqualTo(200);
      assertThat(sse.response.headers().firstValue("Content-Type")).hasValueSatisfying(
          type -> assertThat(type).startsWith("text/event-stream"));

      List<JobEvent> appended = List.of(
          append(job, JobEvent.NODE_STARTED, "processing", "{\"step_id\": 1, \"generation\": 0}"),
          append(job, JobEvent.NODE_PROGRESS, "processing",
              "{\"step_id\": 1, \"generation\": 0, \"progress\": 40, \"message\": \"débruitage ✓\"}"),
          append(job, JobEvent.NODE_COMPLETED, "processing", "{\"step_id\": 1, \"generation\": 0}"),
          complete(job));

      List<Frame> received = sse.events(4);
      assertThat(received).extracting(Frame::id)
          .containsExactlyElementsOf(appended.stream().map(e -> Long.toString(e.seq())).toList());
      assertThat(received).extracting(Frame::event)
          .containsExactly("node_started", "node_progress", "node_completed", "job_completed");
      for (int i = 0; i < appended.size(); i++) {
        assertThat(json.readTree(received.get(i).data())).isEqualTo(appended.get(i).data());
      }
      assertThat(sse.remainingEventsUntilClosed()).isEmpty();
    }
  }

  @Test
  void aClientReconnectingWithItsLastEventIdGetsExactlyWhatItMissed() {
    String user = newUser();
    UUID job = newJob(user, "queued");
    String path = "/jobs/" + job + "/events";
    JobEvent second;
    try (Sse sse = Sse.open(calls, user, path, null)) {
      JobEvent first = append(job, JobEvent.NODE_STARTED, "processing", "{\"step_id\": 1}");
      second = append(job, JobEvent.NODE_PROGRESS, "processing", "{\"step_id\": 1, \"progress\": 10}");
      assertThat(ids(sse.events(2))).containsExactly(first.seq(), second.seq());
    }
    // Recorded while the client is away.
    JobEvent third = append(job, JobEvent.NODE_PROGRESS, "processing", "{\"step_id\": 1, \"progress\": 60}");
    JobEvent fourth = append(job, JobEvent.NODE_COMPLETED, "processing", "{\"step_id\": 1}");

    JobEvent fifth;
    try (Sse again = Sse.open(calls, user, path, second.seq())) {
      assertThat(ids(again.events(2))).containsExactly(third.seq(), fourth.seq());
      fifth = complete(job);
      assertThat(ids(again.events(1))).containsExactly(fifth.seq());
      assertThat(again.remainingEventsUntilClosed()).isEmpty();
    }

    try (Sse byParameter = Sse.open(calls, user, path + "?last_event_id=" + third.seq(), null)) {
      assertThat(ids(byParameter.remainingEventsUntilClosed())).containsExactly(fourth.seq(), fifth.seq());
    }
    try (Sse headerWins = Sse.open(calls, user, path + "?last_event_id=0", fourth.seq())) {
      assertThat(ids(headerWins.remainingEventsUntilClosed())).containsExactly(fifth.seq());
    }
    try (Sse seenAll = Sse.open(calls, user, path, fifth.seq())) {
      assertThat(seenAll.status()).as("204 stops an EventSource from reconnecting").isEqualTo(204);
    }
  }

  @Test
  void aFinishedJobReplaysItsHistoryAndCloses() {
    String user = newUser();
    UUID completed = newJob(user, "completed");
    List<JobEvent> history = List.of(
        append(completed, JobEvent.JOB_STATUS, "processing", "{}"),
        append(completed, JobEvent.NODE_COMPLETED, "processing", "{\"step_id\": 1}"),
        append(completed, JobEvent.JOB_COMPLETED, "completed", "{}"));
    try (Sse sse = Sse.open(calls, user, "/jobs/" + completed + "/events", null)) {
      assertThat(ids(sse.remainingEventsUntilClosed())).containsExactlyElementsOf(
          history.stream().map(JobEvent::seq).toList());
    }

    // Even when its history does not end with a terminal event.
    UUID failed = newJob(user, "failed");
    JobEvent onlyEvent = append(failed, JobEvent.JOB_STATUS, "failed", "{}");
    try (Sse sse = Sse.open(calls, user, "/jobs/" + failed + "/events", null)) {
      assertThat(ids(sse.remainingEventsUntilClosed())).containsExactly(onlyEvent.seq());
    }
  }

  @Test
  void anIdleStreamGetsHeartbeatComments() {
    String user = newUser();
    UUID job = newJob(user, "queued");
    try (Sse sse = Sse.open(calls, user, "/jobs/" + job + "/events", null)) {
      // One at once (the headers reach the client without waiting for an event), then every 300 ms.
      for (int i = 0; i < 3; i++) {
        Frame frame = sse.next();
        assertThat(frame.comment()).isEqualTo("keepalive");
      }
    }
  }

  @Test
  void anOpenStreamKeepsGettingHeartbeatsWhileTheDatabaseCannotServeIt() throws Exception {
    String user = newUser();
    UUID job = newJob(user, "queued");
    try (Sse sse = Sse.open(calls, user, "/jobs/" + job + "/events", null)) {
      assertThat(sse.next().comment()).isEqualTo("keepalive");
      // Every connection of the pool taken: nothing that needs the database can run.
      com.zaxxer.hikari.HikariDataSource pool = (com.zaxxer.hikari.HikariDataSource) dataSource;
      List<java.sql.Connection> taken = new ArrayList<>();
      try {
        for (int i = 0; i < pool.getMaximumPoolSize(); i++) {
          taken.add(pool.getConnection());
        }
        for (int i = 0; i < 3; i++) {
          assertThat(sse.next().comment()).as("a keep-alive needs no database").isEqualTo("keepalive");
        }
      } finally {
        for (java.sql.Connection connection : taken) {
          connection.close();
        }
      }
      JobEvent completed = complete(job);
      assertThat(ids(sse.remainingEventsUntilClosed())).containsExactly(completed.seq());
    }
  }

  @Test
  void aClientThatGoesAwayIsForgottenAtTheNextHeartbeat() {
    String user = newUser();
    UUID job = newJob(user, "queued");
    Gauge open = meters.get("generator_job_streams_open").tag("transport", "sse").gauge();
    try (Sse sse = Sse.open(calls, user, "/jobs/" + job + "/events", null)) {
      assertThat(sse.next().comment()).isEqualTo("keepalive");
      assertThat(open.value()).isPositive();
    }
    await().atMost(Duration.ofSeconds(WAIT_SECONDS)).untilAsserted(() -> {
      assertThat(open.value()).isZero();
      assertThat(meters.get("generator_job_event_listeners").gauge().value()).isZero();
    });
  }

  @Test
  void othersJobsAnonymousCallersAndMalformedIdsAreAnsweredInTheEnvelope() {
    String owner = newUser();
    UUID job = newJob(owner, "queued");
    String path = "/jobs/" + job + "/events";

    try (Sse other = Sse.open(calls, newUser(), path, null)) {
      assertThat(other.status()).isEqualTo(404);
      assertThat(other.body()).isEqualTo("{\"data\":null,\"error\":\"Job not found\",\"code\":\"NOT_FOUND\"}");
    }
    try (Sse unknown = Sse.open(calls, owner, "/jobs/" + UUID.randomUUID() + "/events", null)) {
      assertThat(unknown.status()).isEqualTo(404);
    }
    try (Sse notAnId = Sse.open(calls, owner, "/jobs/not-a-job/events", null)) {
      assertThat(notAnId.status()).isEqualTo(400);
      assertThat(json.readTree(notAnId.body()).get("code").asString()).isEqualTo("VALIDATION_FAILED");
    }
    try (Sse anonymous = Sse.open(calls, null, path, null)) {
      assertThat(anonymous.status()).isEqualTo(401);
      assertThat(json.readTree(anonymous.body()).get("code").asString()).isEqualTo("UNAUTHORIZED");
    }
    try (Sse malformed = Sse.open(calls, owner, path + "?last_event_id=latest", null)) {
      assertThat(malformed.status()).isEqualTo(400);
      JsonNode body = json.readTree(malformed.body());
      assertThat(body.get("code").asString()).isEqualTo("VALIDATION_FAILED");
      assertThat(body.get("details").get(0).get("field").asString()).isEqualTo("last_event_id");
    }
  }

  @Test
  void anEventOfARolledBackTransactionIsNeverDelivered() {
    String user = newUser();
    UUID job = newJob(user, "queued");
    try (Sse sse = Sse.open(calls, user, "/jobs/" + job + "/events", null)) {
      tx.executeWithoutResult(status -> {
        events.append(job, "processing", JobEvent.NODE_STARTED, "rolled back", json.readTree("{}"));
        status.setRollbackOnly();
      });
      JobEvent committed = append(job, JobEvent.JOB_FAILED, "failed",
          "{\"code\": \"GENERATION_FAILED\", \"error\": \"x\"}");

      assertThat(ids(sse.remainingEventsUntilClosed())).containsExactly(committed.seq());
    }
  }

  @Test
  void anEventRecordedByAnotherInstanceReachesTheClient() {
    String user = newUser();
    UUID job = newJob(user, "queued");
    RedisClient redis = RedisClient.create(environment.getProperty("spring.data.redis.url"));
    try (JobEventRelay otherRelay = new JobEventRelay(redis, json, new SimpleMeterRegistry());
         Sse sse = Sse.open(calls, user, "/jobs/" + job + "/events", null)) {
      JobEventLog otherInstance = new JobEventLog(jdbc, otherRelay, json);
      JobEvent local = append(job, JobEvent.NODE_STARTED, "processing", "{\"step_id\": 1}");
      // Received, so the stream has replayed the history: what follows can only come live.
      assertThat(ids(sse.events(1))).containsExactly(local.seq());

      JobEvent remote = tx.execute(status -> otherInstance.append(job, "completed", JobEvent.JOB_COMPLETED,
          "from elsewhere", json.readTree("{\"outputs\": 1}")));

      List<Frame> received = sse.remainingEventsUntilClosed();
      assertThat(ids(received)).containsExactly(remote.seq());
      assertThat(json.readTree(received.getFirst().data()).get("outputs").asInt()).isEqualTo(1);
    } finally {
      redis.shutdown();
    }
  }

  private static String newUser() {
    return "sse-" + UUID.randomUUID();
  }

  private UUID newJob(String user, String status) {
    UUID id = UUID.randomUUID();
    jobs.insert(new Job(id, user, UUID.randomUUID(), null, status, 0, 1, 1, null, null, null, null, null, null),
        "{}", null);
    return id;
  }

  private JobEvent append(UUID job, String event, String status, String data) {
    return tx.execute(s -> events.append(job, status, event, event + " of " + job, json.readTree(data)));
  }

  /** As the engine completes a job: its status and its last event in one transaction. */
  private JobEvent complete(UUID job) {
    return tx.execute(s -> {
      jobs.transition(job, "queued", "completed", null, null);
      return events.append(job, "completed", JobEvent.JOB_COMPLETED, "done", json.readTree("{\"outputs\": []}"));
    });
  }

  private static List<Long> ids(List<Frame> frames) {
    return frames.stream().map(frame -> Long.parseLong(frame.id())).toList();
  }

  /** One SSE frame: an event, or a comment. */
  record Frame(String id, String event, String data, String comment) {
    static final Frame CLOSED = new Frame(null, null, null, null);
  }

  /** A GET of an event stream through the gateway, read line by line on its own thread. */
  static final class Sse implements AutoCloseable {

    private final HttpClient http = HttpClient.newHttpClient();
    private final HttpResponse<Stream<String>> response;
    private final BlockingQueue<Frame> frames = new LinkedBlockingQueue<>();
    private final List<String> lines = new ArrayList<>();

    private Sse(HttpRequest request) {
      try {
        response = http.send(request, HttpResponse.BodyHandlers.ofLines());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
      Thread.ofVirtual().start(this::read);
    }

    /** @param user null for an anonymous caller */
    static Sse open(GatewayCalls calls, String user, String pathAndQuery, Long lastEventId) {
      CallerIdentity caller = user == null ? CallerIdentity.anonymous() : GatewayCalls.user(user);
      HttpRequest.Builder request = calls.request("GET", pathAndQuery, caller, HttpRequest.BodyPublishers.noBody())
          .header("Accept", "text/event-stream");
      if (lastEventId != null) {
        request.header("Last-Event-ID", Long.toString(lastEventId));
      }
      return new Sse(request.build());
    }

    int status() {
      return response.statusCode();
    }

    /** The whole body of a response that is not a stream (an error). */
    String body() {
      remainingEventsUntilClosed();
      synchronized (lines) {
        return String.join("\n", lines);
      }
    }

    Frame next() {
      Frame frame;
      try {
        frame = frames.poll(WAIT_SECONDS, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
      assertThat(frame).as("a frame within %d s", WAIT_SECONDS).isNotNull();
      return frame;
    }

    /** The next {@code count} events, skipping comments; fails if the stream closes first. */
    List<Frame> events(int count) {
      List<Frame> events = new ArrayList<>();
      while (events.size() < count) {
        Frame frame = next();
        assertThat(frame).as("the stream closed after %s", events).isNotSameAs(Frame.CLOSED);
        if (frame.comment() == null) {
          events.add(frame);
        }
      }
      return events;
    }

    /** The events still to come; fails unless the server closes the stream. */
    List<Frame> remainingEventsUntilClosed() {
      List<Frame> events = new ArrayList<>();
      for (Frame frame = next(); frame != Frame.CLOSED; frame = next()) {
        if (frame.comment() == null) {
          events.add(frame);
        }
      }
      frames.add(Frame.CLOSED);
      return events;
    }

    /** Parses the stream as the SSE specification says, comments included. */
    private void read() {
      String id = null;
      String event = null;
      StringBuilder data = null;
      try (Stream<String> body = response.body()) {
        for (String line : (Iterable<String>) body::iterator) {
          synchronized (lines) {
            lines.add(line);
          }
          if (line.isEmpty()) {
            if (data != null) {
              frames.add(new Frame(id, event, data.toString(), null));
            }
            id = null;
            event = null;
            data = null;
          } else if (line.startsWith(":")) {
            frames.add(new Frame(null, null, null, line.substring(1).strip()));
          } else {
            int colon = line.indexOf(':');
            String field = colon < 0 ? line : line.substring(0, colon);
            String value = colon < 0 ? "" : line.substring(colon + 1);
            value = value.startsWith(" ") ? value.substring(1) : value;
            switch (field) {
              case "id" -> id = value;
              case "event" -> event = value;
              case "data" -> data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
              default -> { }
            }
          }
        }
      } catch (UncheckedIOException e) {
        // closed by close(): ends like a closed stream
      } finally {
        frames.add(Frame.CLOSED);
      }
    }

    /** Drops the connection, as a client going away does. */
    @Override
    public void close() {
      http.shutdownNow();
    }
  }
}
