package io.emprops.generator.progress;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Fans committed job events out to the clients of every generator instance: each instance hands
 * what it recorded to its own listeners at once, and publishes it on one Redis channel to which
 * every instance subscribes, handing what the others recorded to the listeners of its job on this
 * instance. Pub/sub may lose a message on a reconnect; a client that reconnects with
 * {@code Last-Event-ID} gets it from the history.
 */
@Component
public class JobEventRelay implements AutoCloseable {

  public static final String CHANNEL = "emprops:generator:job-events";
  private static final Logger log = LoggerFactory.getLogger(JobEventRelay.class);

  /** Marks this instance's messages, which its listeners already have when they come back. */
  private final String origin = UUID.randomUUID().toString();
  private final StatefulRedisConnection<String, String> publisher;
  private final StatefulRedisPubSubConnection<String, String> subscriber;
  private final JsonMapper json;
  private final Map<UUID, Set<Consumer<JobEvent>>> listeners = new ConcurrentHashMap<>();
  private final AtomicInteger listenerCount = new AtomicInteger();
  private final Counter published;
  private final Counter delivered;
  private final Timer latency;

  public JobEventRelay(RedisClient redis, JsonMapper json, MeterRegistry meters) {
    this.json = json;
    this.publisher = redis.connect();
    this.subscriber = redis.connectPubSub();
    this.published = Counter.builder("generator_job_events_published_total")
        .description("Job events this instance recorded and relayed").register(meters);
    this.delivered = Counter.builder("generator_job_events_delivered_total")
        .description("Job events handed to clients connected to this instance").register(meters);
    this.latency = Timer.builder("generator_job_events_relay_latency")
        .description("From an event's commit to its receipt over Redis by this instance's relay")
        .publishPercentiles(0.5, 0.99).register(meters);
    Gauge.builder("generator_job_event_listeners", listenerCount, AtomicInteger::get)
        .description("Live job streams (SSE and WebSocket) and requests awaiting credits on this instance")
        .register(meters);
    subscriber.addListener(new RedisPubSubAdapter<>() {
      @Override
      public void message(String channel, String message) {
        if (CHANNEL.equals(channel)) {
          dispatch(message);
        }
      }
    });
    subscriber.sync().subscribe(CHANNEL);
  }

  /**
   * Follows {@code jobId} on this instance until the returned handle is closed. The listener runs
   * on the Redis I/O thread or the thread that committed the event: it must hand the event off,
   * never block.
   */
  public AutoCloseable subscribe(UUID jobId, Consumer<JobEvent> listener) {
    // Adding and removing inside compute: a listener added to the set of a job whose last
    // listener is leaving could otherwise land in a set just dropped from the map, and miss
    // every event.
    listeners.compute(jobId, (id, set) -> {
      Set<Consumer<JobEvent>> forJob = set == null ? ConcurrentHashMap.newKeySet() : set;
      forJob.add(listener);
      return forJob;
    });
    listenerCount.incrementAndGet();
    return () -> listeners.computeIfPresent(jobId, (id, set) -> {
      if (set.remove(listener)) {
        listenerCount.decrementAndGet();
      }
      return set.isEmpty() ? null : set;
    });
  }

  void publish(JobEvent event) {
    ObjectNode message = json.createObjectNode();
    message.put("seq", event.seq());
    message.put("previous_seq", event.previousSeq());
    message.put("job_id", event.jobId().toString());
    message.put("event", event.event());
    message.put("status", event.status());
    message.put("message", event.message());
    message.set("data", event.data());
    message.put("created_at", event.createdAt().toString());
    message.put("published_at", System.currentTimeMillis());
    message.put("origin", origin);
    // Local listeners need no round trip through Redis (they only queue the event, so this does
    // not hold the committing thread).
    deliver(event);
    // Asynchronous: the committing thread does not wait for Redis.
    publisher.async().publish(CHANNEL, json.writeValueAsString(message)).exceptionally(failure -> {
      log.warn("Relaying event {} of job {} failed; clients get it on reconnect", event.seq(), event.jobId(), failure);
      return null;
    });
    published.increment();
  }

  private void dispatch(String message) {
    try {
      var node = json.readTree(message);
      latency.record(Duration.ofMillis(Math.max(0, System.currentTimeMillis() - node.path("published_at").asLong())));
      if (origin.equals(node.path("origin").asString(null))) {
        return;
      }
      UUID jobId = UUID.fromString(node.get("job_id").asString());
      if (!listeners.containsKey(jobId)) {
        return;
      }
      deliver(new JobEvent(node.get("seq").asLong(), jobId, node.get("event").asString(),
          node.get("status").asString(), node.path("message").asString(""), node.get("data"),
          Instant.parse(node.get("created_at").asString()), node.path("previous_seq").asLong(0)));
    } catch (RuntimeException e) {
      log.warn("Ignoring a malformed job event message", e);
    }
  }

  private void deliver(JobEvent event) {
    Set<Consumer<JobEvent>> forJob = listeners.get(event.jobId());
    if (forJob == null) {
      return;
    }
    for (Consumer<JobEvent> listener : forJob) {
      try {
        listener.accept(event);
        delivered.increment();
      } catch (RuntimeException e) {
        log.warn("A listener of job {} failed", event.jobId(), e);
      }
    }
  }

  @Override
  public void close() {
    subscriber.close();
    publisher.close();
  }
}
