package io.emprops.generator.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.emprops.generator.domain.job.Job;
import io.emprops.generator.persistence.JobRepository;
import io.emprops.generator.progress.JobEvent;
import io.emprops.generator.progress.JobEventLog;
import io.emprops.localstack.testing.EmbeddedInfrastructure;
import io.emprops.web.identity.CallerIdentity;
import io.emprops.web.testing.GatewayCalls;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.core.env.Environment;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** WS /ws over real Postgres and Redis, with the JDK's WebSocket client signed as the gateway signs. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = "emprops.generator.stream.heartbeat=300ms")
@EmbeddedInfrastructure(app = "generator-service")
class JobEventStreamWebSocketTest {

  private static final long WAIT_SECONDS = 10;
  /** How long a test waits to conclude that nothing more is coming. */
  private static final long QUIET_MILLIS = 700;

  @Autowired Environment environment;
  @Autowired JobRepository jobs;
  @Autowired JobEventLog events;
  @Autowired JsonMapper json;
  @Autowired PlatformTransactionManager transactionManager;
  private final HttpClient http = HttpClient.newHttpClient();
  private GatewayCalls calls;
  private TransactionTemplate tx;

  @BeforeEach
  void connect() {
    calls = new GatewayCalls(baseUrl(), environment.getProperty("emprops.internal.secret"));
    tx = new TransactionTemplate(transactionManager);
  }

  @Test
  void aSubscriberReceivesTheJobsEventsAsJsonUntilItsTerminalEvent() {
    String user = newUser();
    UUID job = newJob(user);
    try (Socket socket = Socket.open(this, user)) {
      socket.send("{\"type\": \"subscribe\", \"job_id\": \"" + job + "\"}");
      JobEvent started = append(job, JobEvent.NODE_STARTED, "processing", "{\"step_id\": 1, \"generation\": 0}");
      JobEvent progress = append(job, JobEvent.NODE_PROGRESS, "processing",
          "{\"step_id\": 1, \"generation\": 0, \"progress\": 50, \"message\": \"halfway\"}");
      JobEvent completed = append(job, JobEvent.JOB_COMPLETED, "completed", "{\"outputs\": []}");

      List<JsonNode> received = socket.next(3);
      assertThat(received).extracting(m -> m.get("type").asString())
          .containsExactly("node_started", "node_progress", "job_completed");
      assertThat(received).extracting(m -> m.get("id").asLong())
          .containsExactly(started.seq(), progress.seq(), completed.seq());
      assertThat(received).extracting(m -> m.get("job_id").asString()).containsOnly(job.toString());
      assertThat(received.get(1).get("data")).isEqualTo(progress.data());

      append(job, JobEvent.JOB_STATUS, "completed", "{}");
      assertThat(socket.quiet()).as("the subscription ended with job_completed").isEmpty();
    }
  }

  @Test
  void oneSocketFollowsSeveralJobs() {
    String user = newUser();
    UUID first = newJob(user);
    UUID second = newJob(user);
    try (Socket socket = Socket.open(this, user)) {
      socket.send("{\"type\": \"subscribe\", \"job_id\": \"" + first + "\"}");
      socket.send("{\"type\": \"subscribe\", \"job_id\": \"" + second + "\"}");
      List<Long> ofFirst = List.of(
          append(first, JobEvent.NODE_STARTED, "processing", "{}").seq(),
          append(first, JobEvent.JOB_COMPLETED, "completed", "{}").seq());
      List<Long> ofSecond = List.of(
          append(second, JobEvent.NODE_STARTED, "processing", "{}").seq(),
          append(second, JobEvent.JOB_FAILED, "failed", "{\"code\": \"GENERATION_FAILED\", \"error\": \"x\"}").seq());

      List<JsonNode> received = socket.next(4);
      assertThat(idsOf(received, first)).containsExactlyElementsOf(ofFirst);
      assertThat(idsOf(received, second)).containsExactlyElementsOf(ofSecond);
    }
  }

  @Test
  void mistakesAreAnsweredWithErrorsAndTheSocketStaysOpen() {
    String user = newUser();
    UUID own = newJob(user);
    UUID othersJob = newJob(newUser());
    JobEvent recorded = append(own, JobEvent.NODE_STARTED, "processing", "{}");
    try (Socket socket = Socket.open(this, user)) {
      UUID unknown = UUID.randomUUID();
      socket.send("{\"type\": \"subscribe\", \"job_id\": \"" + unknown + "\"}");
      JsonNode notFound = socket.next(1).getFirst();
      assertThat(notFound.get("type").asString()).isEqualTo("error");
      assertThat(notFound.get("code").asString()).isEqualTo("NOT_FOUND");
      assertThat(notFound.get("job_id").asString()).isEqualTo(unknown.toString());
      assertThat(notFound.get("message").asString()).isEqualTo("Job not found");

      socket.send("{\"type\": \"subscribe\", \"job_id\": \"" + othersJob + "\"}");
      assertThat(socket.next(1).getFirst().get("code").asString()).isEqualTo("NOT_FOUND");

      for (String mistake : List.of("not json", "[1]", "{\"type\": \"dance\"}", "{\"type\": \"subscribe\"}",
          "{\"type\": \"subscribe\", \"job_id\": \"x\"}",
          "{\"type\": \"subscribe\", \"job_id\": \"" + own + "\", \"last_event_id\": \"latest\"}")) {
        socket.send(mistake);
        JsonNode error = socket.next(1).getFirst();
        assertThat(error.get("type").asString()).as(mistake).isEqualTo("error");
        assertThat(error.get("code").asString()).as(mistake).isEqualTo("VALIDATION_FAILED");
      }

      socket.send("{\"type\": \"subscribe\", \"job_id\": \"" + own + "\"}");
      assertThat(socket.next(1).getFirst().get("id").asLong()).isEqualTo(recorded.seq());
    }
  }

  @Test
  void aSubscriptionWithALastEventIdReplaysWhatCameAfterIt() {
    String user = newUser();
    UUID job = newJob(user);
    JobEvent first = append(job, JobEvent.NODE_STARTED, "processing", "{}");
    JobEvent second = append(job, JobEvent.NODE_COMPLETED, "processing", "{}");
    JobEvent third = append(job, JobEvent.JOB_COMPLETED, "completed", "{}");
    try (Socket socket = Socket.open(this, user)) {
      socket.send("{\"type\": \"subscribe\", \"job_id\": \"" + job + "\", \"last_event_id\": " + first.seq() + "}");
      assertThat(socket.next(2)).extracting(m -> m.get("id").asLong()).containsExactly(second.seq(), third.seq());
      assertThat(socket.quiet()).isEmpty();
    }
  }

  @Test
  void anUnsubscribedJobSendsNothingMore() {
    String user = newUser();
    UUID job = newJob(user);
    try (Socket socket = Socket.open(this, user)) {
      socket.send("{\"type\": \"subscribe\", \"job_id\": \"" + job + "\"}");
      JobEvent before = append(job, JobEvent.NODE_STARTED, "processing", "{}");
      assertThat(socket.next(1).getFirst().get("id").asLong()).isEqualTo(before.seq());

      socket.send("{\"type\": \"unsubscribe\", \"job_id\": \"" + job + "\"}");
      // The server handles a socket's messages in order: once this error arrives, the unsubscribe is done.
      socket.send("{\"type\": \"dance\"}");
      assertThat(socket.next(1).getFirst().get("type").asString()).isEqualTo("error");
      append(job, JobEvent.NODE_COMPLETED, "processing", "{}");
      assertThat(socket.quiet()).isEmpty();
    }
  }

  @Test
  void anAnonymousHandshakeIsRefused() {
    Throwable refused = catchThrowable(() -> Socket.open(this, null));
    while (refused != null && !(refused instanceof WebSocketHandshakeException)) {
      refused = refused.getCause();
    }
    assertThat(refused).isInstanceOf(WebSocketHandshakeException.class);
    assertThat(((WebSocketHandshakeException) refused).getResponse().statusCode()).isEqualTo(401);
  }

  private String baseUrl() {
    return "http://127.0.0.1:" + environment.getProperty("local.server.port");
  }

  private static String newUser() {
    return "ws-" + UUID.randomUUID();
  }

  private UUID newJob(String user) {
    UUID id = UUID.randomUUID();
    jobs.insert(new Job(id, user, UUID.randomUUID(), null, "queued", 0, 1, 1, null, null, null, null, null, null),
        "{}", null);
    return id;
  }

  private JobEvent append(UUID job, String event, String status, String data) {
    return tx.execute(s -> events.append(job, status, event, event + " of " + job, json.readTree(data)));
  }

  private static List<Long> idsOf(List<JsonNode> messages, UUID job) {
    return messages.stream().filter(m -> m.get("job_id").asString().equals(job.toString()))
        .map(m -> m.get("id").asLong()).toList();
  }

  /** A WebSocket to /ws whose upgrade request carries the gateway's headers; text messages are queued as JSON. */
  static final class Socket implements WebSocket.Listener, AutoCloseable {

    private final JsonMapper json;
    private final BlockingQueue<JsonNode> messages = new LinkedBlockingQueue<>();
    private final StringBuilder partial = new StringBuilder();
    private WebSocket webSocket;

    private Socket(JsonMapper json) {
      this.json = json;
    }

    /** @param user null for an anonymous caller */
    static Socket open(JobEventStreamWebSocketTest test, String user) {
      CallerIdentity caller = user == null ? CallerIdentity.anonymous() : GatewayCalls.user(user);
      HttpRequest signed = test.calls.request("GET", "/ws", caller, HttpRequest.BodyPublishers.noBody()).build();
      WebSocket.Builder builder = test.http.newWebSocketBuilder();
      signed.headers().map().forEach((name, values) -> {
        if (!name.equalsIgnoreCase("Content-Type")) {
          values.forEach(value -> builder.header(name, value));
        }
      });
      Socket socket = new Socket(test.json);
      try {
        socket.webSocket = builder.buildAsync(URI.create(test.baseUrl().replace("http:", "ws:") + "/ws"), socket)
            .get(WAIT_SECONDS, TimeUnit.SECONDS);
      } catch (ExecutionException | TimeoutException e) {
        throw new IllegalStateException("The handshake failed", e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
      return socket;
    }

    void send(String text) {
      webSocket.sendText(text, true).join();
    }

    /** The next {@code count} messages; fails unless they come in time. */
    List<JsonNode> next(int count) {
      List<JsonNode> received = new ArrayList<>();
      while (received.size() < count) {
        JsonNode message = poll(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
        assertThat(message).as("message %d of %d within %d s", received.size() + 1, count, WAIT_SECONDS).isNotNull();
        received.add(message);
      }
      return received;
    }

    /** What arrives within a short while (for asserting that nothing does). */
    List<JsonNode> quiet() {
      List<JsonNode> received = new ArrayList<>();
      for (JsonNode message = poll(QUIET_MILLIS); message != null; message = poll(QUIET_MILLIS)) {
        received.add(message);
      }
      return received;
    }

    private JsonNode poll(long millis) {
      try {
        return messages.poll(millis, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        messages.add(json.readTree(partial.toString()));
        partial.setLength(0);
      }
      webSocket.request(1);
      return null;
    }

    @Override
    public void close() {
      webSocket.sendClose(WebSocket.NORMAL_CLOSURE, "").join();
    }
  }
}
