package io.emprops.events.relay;

import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Relays one service's outbox to Kafka: an embedded Debezium engine decodes the outbox inserts
 * from the service's replication slot and produces them with an idempotent producer.
 *
 * <p>Every instance of the service runs an {@code OutboxRelay}, but only the one holding the
 * service's {@link LeaderLock} runs the engine; the others stand by and take over when the leader
 * stops or dies. An engine that fails is restarted after {@link RelaySettings#restartBackoff()}.
 * A clean stop finishes the batch in flight and stores its offsets, so the next leader neither
 * loses nor repeats an event; a crash may repeat the events since the last offset flush, which
 * consumers absorb with their inbox.
 *
 * <p>With {@link RelayMode#KAFKA_CONNECT} a connector on Kafka Connect relays instead
 * ({@link KafkaConnectConnector}); every instance then only prepares the publication and slot and
 * samples the slot's lag ({@link RelayState#EXTERNAL}).
 */
public class OutboxRelay implements SmartLifecycle {

  /**
   * Starts before, and stops after, the web server and the Kafka listeners, whose last requests
   * and messages may still write events.
   */
  public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 8192;

  private static final Logger log = LoggerFactory.getLogger(OutboxRelay.class);
  private static final Duration ENGINE_STOP_TIMEOUT = Duration.ofSeconds(30);

  private final RelaySettings settings;
  private final ReplicationSlot slot;
  private final RelayMetrics metrics;
  private final Clock clock;
  private final RelayTracing tracing = RelayTracing.detect();
  private final Object wakeUp = new Object();
  private volatile boolean running;
  private volatile RelayState state = RelayState.STOPPED;
  private volatile String lastFailure;
  private Thread supervisor;

  public OutboxRelay(RelaySettings settings, MeterRegistry registry) {
    this(settings, registry, Clock.systemUTC());
  }

  OutboxRelay(RelaySettings settings, MeterRegistry registry, Clock clock) {
    this.settings = settings;
    this.slot = new ReplicationSlot(settings);
    this.metrics = new RelayMetrics(registry, settings.slotName(), this::isLeader);
    this.clock = clock;
  }

  /**
   * Creates the service's publication and replication slot if they do not exist yet. Must happen
   * before the service first writes to its outbox (the slot retains WAL only from its creation
   * on); {@link #start} does it too.
   */
  public void ensureReplicationSlot() {
    try (Connection connection = openConnection("replication-setup")) {
      slot.ensureExists(connection);
    } catch (SQLException e) {
      throw new RelayException("cannot create publication/slot " + settings.slotName(), e);
    }
  }

  @Override
  public synchronized void start() {
    if (running) {
      return;
    }
    ensureReplicationSlot();
    running = true;
    boolean embedded = settings.mode() == RelayMode.EMBEDDED;
    state = embedded ? RelayState.STANDBY : RelayState.EXTERNAL;
    supervisor = Thread.ofPlatform()
        .name("outbox-relay-" + settings.serviceName())
        .daemon(true)
        .start(embedded ? this::superviseLeadership : this::watchExternalRelay);
  }

  @Override
  public synchronized void stop() {
    if (!running) {
      return;
    }
    running = false;
    wakeUp();
    try {
      supervisor.join(ENGINE_STOP_TIMEOUT.plusSeconds(5));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public boolean isRunning() {
    return running;
  }

  @Override
  public int getPhase() {
    return PHASE;
  }

  public RelayState state() {
    return state;
  }

  /** Whether this instance currently runs the engine. */
  public boolean isLeader() {
    RelayState current = state;
    return current == RelayState.STARTING || current == RelayState.RELAYING;
  }

  /** What ended the engine last, if it ever failed. */
  public Optional<String> lastFailure() {
    return Optional.ofNullable(lastFailure);
  }

  public RelaySettings settings() {
    return settings;
  }

  private void superviseLeadership() {
    try (LeaderLock lock = new LeaderLock(() -> openConnection("relay-leader"), settings.slotName())) {
      while (running) {
        if (!tryLead(lock)) {
          state = RelayState.STANDBY;
          pause(settings.leaderCheckInterval());
          continue;
        }
        log.info("{} leads the outbox relay of slot {}", settings.serviceName(), settings.slotName());
        Optional<Throwable> failure = relayWhileLeading(lock);
        lock.release();
        if (failure.isPresent() && running) {
          metrics.engineFailed();
          lastFailure = failure.get().toString();
          state = RelayState.FAILED;
          log.error("outbox relay of {} failed; contending again in {}",
              settings.serviceName(), settings.restartBackoff(), failure.get());
          pause(settings.restartBackoff());
        }
      }
    } catch (RuntimeException e) {
      lastFailure = e.toString();
      log.error("outbox relay supervisor of {} ended unexpectedly", settings.serviceName(), e);
    } finally {
      state = RelayState.STOPPED;
      metrics.slotLag(OptionalLong.empty());
    }
  }

  /** Kafka Connect relays: sample the slot's lag until the application stops. */
  private void watchExternalRelay() {
    try {
      while (running) {
        try (Connection connection = openConnection("relay-watch")) {
          while (running) {
            metrics.slotLag(slot.lagBytes(connection));
            pause(settings.heartbeatInterval());
          }
        } catch (SQLException e) {
          log.debug("cannot measure the slot lag of {}: {}", settings.slotName(), e.getMessage());
          metrics.slotLag(OptionalLong.empty());
          pause(settings.heartbeatInterval());
        }
      }
    } finally {
      state = RelayState.STOPPED;
      metrics.slotLag(OptionalLong.empty());
    }
  }

  private boolean tryLead(LeaderLock lock) {
    try {
      return lock.tryAcquire();
    } catch (SQLException e) {
      // Unreachable database: nobody can relay now; the datasource health check reports it.
      log.warn("cannot reach the relay's leader lock: {}", e.getMessage());
      return false;
    }
  }

  /** Runs the engine until the relay stops, the engine ends, or the lock is lost. */
  private Optional<Throwable> relayWhileLeading(LeaderLock lock) {
    state = RelayState.STARTING;
    try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(producerProperties())) {
      EngineRun run = EngineRun.start(DebeziumEngineProperties.of(settings),
          new KafkaForwarder(producer, metrics, clock, tracing), this::wakeUp,
          "outbox-relay-engine-" + settings.serviceName());
      try {
        while (running && !run.hasEnded()) {
          pause(settings.leaderCheckInterval());
          if (!lock.stillHeld()) {
            return Optional.of(new RelayException("lost the leader lock's database session", null));
          }
          if (run.streaming()) {
            state = RelayState.RELAYING;
          }
          sampleSlotLag(lock);
        }
        return run.hasEnded()
            ? Optional.of(run.failure().orElseGet(() -> new RelayException("the engine ended by itself", null)))
            : Optional.empty();
      } finally {
        run.stop(ENGINE_STOP_TIMEOUT);
        metrics.slotLag(OptionalLong.empty());
      }
    } catch (RuntimeException e) {
      return Optional.of(e);
    }
  }

  private void sampleSlotLag(LeaderLock lock) {
    try {
      metrics.slotLag(slot.lagBytes(lock.connection()));
    } catch (SQLException e) {
      log.debug("cannot measure the slot lag of {}: {}", settings.slotName(), e.getMessage());
    }
  }

  private Map<String, Object> producerProperties() {
    Map<String, Object> properties = new HashMap<>(settings.kafkaClientProperties());
    properties.put(ProducerConfig.CLIENT_ID_CONFIG, settings.serviceName() + "-outbox-relay");
    properties.put(ProducerConfig.LINGER_MS_CONFIG, 1);
    properties.putAll(settings.producerOverrides());
    // Not overridable: no duplicates from producer retries, and an ack means every replica has it.
    properties.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    properties.put(ProducerConfig.ACKS_CONFIG, "all");
    properties.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
    properties.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    return properties;
  }

  private Connection openConnection(String purpose) throws SQLException {
    Properties properties = new Properties();
    properties.setProperty("user", settings.username());
    properties.setProperty("password", settings.password());
    properties.setProperty("ApplicationName", settings.serviceName() + "-" + purpose);
    properties.setProperty("tcpKeepAlive", "true");
    properties.setProperty("connectTimeout", "10");
    return DriverManager.getConnection(settings.jdbcUrl(), properties);
  }

  private void pause(Duration duration) {
    synchronized (wakeUp) {
      if (!running) {
        return;
      }
      try {
        wakeUp.wait(Math.max(1, duration.toMillis()));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        running = false;
      }
    }
  }

  private void wakeUp() {
    synchronized (wakeUp) {
      wakeUp.notifyAll();
    }
  }
}
