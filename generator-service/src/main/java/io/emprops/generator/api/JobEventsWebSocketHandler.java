package io.emprops.generator.api;

import io.emprops.generator.domain.job.Job;
import io.emprops.generator.domain.job.OwnJobs;
import io.emprops.generator.progress.FanOutFrames;
import io.emprops.generator.progress.JobEvent;
import io.emprops.generator.progress.JobStream;
import io.emprops.generator.progress.JobStreams;
import io.emprops.web.api.ApiException;
import io.emprops.web.api.ErrorCode;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.PingMessage;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketMessage;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.handler.ConcurrentWebSocketSessionDecorator;
import org.springframework.web.socket.handler.TextWebSocketHandler;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code WS /ws} (API.md, "Generations and jobs"), the WebSocket alternative to
 * {@code GET /jobs/{id}/events}. The client sends {@code {"type":"subscribe","job_id":"…"}}
 * (optionally with {@code "last_event_id"}) and {@code {"type":"unsubscribe","job_id":"…"}}, for
 * as many of its jobs as it likes, and receives each event as
 * {@code {"type":"<event name>","job_id":"…","id":<seq>,"data":{…}}}; a subscription ends after
 * the job's terminal event. A mistake is answered with
 * {@code {"type":"error","code":"…","message":"…"}} and the socket stays open.
 */
@Component
public class JobEventsWebSocketHandler extends TextWebSocketHandler {

  /** Session attribute: the id of the user the connection belongs to (set at the handshake). */
  public static final String USER_ID_ATTRIBUTE = JobEventsWebSocketHandler.class.getName() + ".userId";
  private static final Logger log = LoggerFactory.getLogger(JobEventsWebSocketHandler.class);
  /** A client that lets this much pile up, or blocks a send this long, is disconnected. */
  private static final int SEND_TIME_LIMIT_MILLIS = 10_000;
  private static final int SEND_BUFFER_LIMIT_BYTES = 256 * 1024;

  private final JobStreams streams;
  private final OwnJobs ownJobs;
  private final JsonMapper json;
  private final Map<String, Connection> connections = new ConcurrentHashMap<>();
  private final FanOutFrames<TextMessage> frames;

  public JobEventsWebSocketHandler(JobStreams streams, OwnJobs ownJobs, JsonMapper json, MeterRegistry meters) {
    this.streams = streams;
    this.ownJobs = ownJobs;
    this.json = json;
    this.frames = new FanOutFrames<>(event -> new TextMessage(json.writeValueAsString(json.createObjectNode()
        .put("type", event.event()).put("job_id", event.jobId().toString()).put("id", event.seq())
        .set("data", event.data()))));
    Gauge.builder("generator_job_streams_open", connections, Map::size).tag("transport", "ws")
        .description("Open job event streams on this instance (SSE responses, WebSocket connections)")
        .register(meters);
  }

  @Override
  public void afterConnectionEstablished(WebSocketSession session) {
    String userId = (String) session.getAttributes().get(USER_ID_ATTRIBUTE);
    // Subscriptions and keep-alives send from several threads: the decorator serializes them.
    var serialized = new ConcurrentWebSocketSessionDecorator(session, SEND_TIME_LIMIT_MILLIS, SEND_BUFFER_LIMIT_BYTES);
    connections.put(session.getId(), new Connection(serialized, userId));
  }

  @Override
  protected void handleTextMessage(WebSocketSession session, TextMessage message) {
    Connection connection = connections.get(session.getId());
    if (connection != null) {
      connection.receive(message.getPayload());
    }
  }

  @Override
  public void afterConnectionClosed(WebSocketSession session, CloseStatus status) {
    Connection connection = connections.remove(session.getId());
    if (connection != null) {
      connection.close();
    }
  }

  /** One socket: its user's subscriptions, by job. */
  private final class Connection {

    private final WebSocketSession session;
    private final String userId;
    private final Map<UUID, Subscription> subscriptions = new ConcurrentHashMap<>();
    private final ScheduledFuture<?> heartbeat;

    Connection(WebSocketSession session, String userId) {
      this.session = session;
      this.userId = userId;
      this.heartbeat = streams.keepAlive(() -> send(new PingMessage()));
    }

    void receive(String payload) {
      JsonNode message;
      try {
        message = json.readTree(payload);
      } catch (JacksonException e) {
        message = null;
      }
      if (message == null || !message.isObject()) {
        error(null, ErrorCode.VALIDATION_FAILED, "A message is a JSON object with a type");
        return;
      }
      String jobId = message.path("job_id").stringValue(null);
      try {
        switch (message.path("type").stringValue("")) {
          case "subscribe" -> subscribe(jobId(jobId), lastEventId(message.path("last_event_id")));
          case "unsubscribe" -> unsubscribe(jobId(jobId));
          default -> throw new ApiException(ErrorCode.VALIDATION_FAILED, "type must be subscribe or unsubscribe");
        }
      } catch (ApiException e) {
        error(jobId, e.code(), e.getMessage());
      } catch (RuntimeException e) {
        log.error("Handling a WebSocket message failed", e);
        error(jobId, ErrorCode.INTERNAL, "Internal server error");
      }
    }

    /** Subscribing again to a job restarts its stream after {@code lastEventId}. */
    private void subscribe(UUID jobId, long lastEventId) {
      Job job = ownJobs.find(userId, jobId);
      Subscription subscription = new Subscription(jobId);
      Subscription previous = subscriptions.put(jobId, subscription);
      if (previous != null) {
        previous.close();
      }
      subscription.start(job, lastEventId);
    }

    private void unsubscribe(UUID jobId) {
      Subscription subscription = subscriptions.remove(jobId);
      if (subscription != null) {
        subscription.close();
      }
    }

    void close() {
      heartbeat.cancel(false);
      subscriptions.values().forEach(Subscription::close);
      subscriptions.clear();
    }

    private void error(String jobId, ErrorCode code, String message) {
      ObjectNode error = json.createObjectNode().put("type", "error").put("code", code.name());
      if (jobId != null) {
        error.put("job_id", jobId);
      }
      send(new TextMessage(json.writeValueAsString(error.put("message", message))));
    }

    /** For messages whose loss the client recovers from (pings, errors): a failure closes the socket anyway. */
    private void send(WebSocketMessage<?> message) {
      try {
        session.sendMessage(message);
      } catch (IOException | RuntimeException e) {
        log.debug("Could not send to WebSocket {}: {}", session.getId(), e.toString());
      }
    }

    /** One job followed on this socket. */
    private final class Subscription implements JobStream.Sink {

      private final UUID jobId;
      private volatile JobStream stream;

      Subscription(UUID jobId) {
        this.jobId = jobId;
      }

      void start(Job job, long lastEventId) {
        stream = streams.open(job.id(), job.isActive(), lastEventId, this);
      }

      @Override
      public void send(JobEvent event) throws IOException {
        session.sendMessage(frames.of(event));
      }

      @Override
      public void end(Throwable failure) {
        subscriptions.remove(jobId, this);
        if (failure != null && !(failure instanceof IOException)) {
          error(jobId.toString(), ErrorCode.SERVICE_UNAVAILABLE,
              "Following the job was interrupted; subscribe again with last_event_id");
        }
      }

      void close() {
        JobStream following = stream;
        if (following != null) {
          following.close();
        }
      }
    }
  }

  private static UUID jobId(String jobId) {
    try {
      return UUID.fromString(Objects.requireNonNullElse(jobId, ""));
    } catch (IllegalArgumentException e) {
      throw new ApiException(ErrorCode.VALIDATION_FAILED, "job_id must be the id of a job");
    }
  }

  private static long lastEventId(JsonNode lastEventId) {
    if (lastEventId.isMissingNode() || lastEventId.isNull()) {
      return 0;
    }
    if (!lastEventId.isIntegralNumber() || !lastEventId.canConvertToLong() || lastEventId.asLong() < 0) {
      throw new ApiException(ErrorCode.VALIDATION_FAILED, "last_event_id must be the id of an event");
    }
    return lastEventId.asLong();
  }
}
