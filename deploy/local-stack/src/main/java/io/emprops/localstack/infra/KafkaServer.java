package io.emprops.localstack.infra;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;

/**
 * A single-node KRaft Kafka (broker and controller in one), inside this JVM or, for the launcher,
 * in a JVM of its own ({@link #startInOwnJvm}) that can be killed and restarted alone. Storage is
 * formatted on first start and reused afterwards, so topics and offsets survive a restart.
 */
public final class KafkaServer implements InfraComponent {

  private static final String CONTROLLER = "CONTROLLER";

  /** The broker when it runs in this JVM, else null. */
  private final KafkaRaftServer server;
  private final int port;
  /** The broker's own JVM when it runs in one. */
  private volatile ServerJvm jvm;

  private KafkaServer(KafkaRaftServer server, int port) {
    this.server = server;
    this.port = port;
  }

  /** The same broker in a JVM of its own ({@code serve kafka PORT CONTROLLER_PORT LOG_DIR}). */
  public static KafkaServer startInOwnJvm(ServerJvm.Launch launch, int port, int controllerPort, Path logDirectory) {
    KafkaServer kafka = new KafkaServer(null, port);
    kafka.jvm = ServerJvm.start(launch, "kafka",
        List.of(Integer.toString(port), Integer.toString(controllerPort), logDirectory.toString()), Map.of(),
        () -> kafka.awaitReady(Duration.ofSeconds(90)));
    return kafka;
  }

  /** Its own JVM, when it runs in one. */
  public java.util.Optional<ServerJvm> ownJvm() {
    return java.util.Optional.ofNullable(jvm);
  }

  /**
   * @param port the client listener; the controller listens on {@code controllerPort}
   */
  public static KafkaServer start(int port, int controllerPort, Path logDirectory) {
    try {
      Files.createDirectories(logDirectory);
      Properties config = new Properties();
      config.putAll(Map.ofEntries(
          Map.entry("process.roles", "broker,controller"),
          Map.entry("node.id", "1"),
          Map.entry("controller.quorum.voters", "1@" + Ports.LOOPBACK + ":" + controllerPort),
          Map.entry("listeners", "PLAINTEXT://" + Ports.LOOPBACK + ":" + port + "," + CONTROLLER
              + "://" + Ports.LOOPBACK + ":" + controllerPort),
          Map.entry("advertised.listeners", "PLAINTEXT://" + Ports.LOOPBACK + ":" + port),
          Map.entry("controller.listener.names", CONTROLLER),
          Map.entry("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT," + CONTROLLER + ":PLAINTEXT"),
          Map.entry("inter.broker.listener.name", "PLAINTEXT"),
          Map.entry("log.dirs", logDirectory.toString()),
          Map.entry("num.partitions", "3"),
          Map.entry("auto.create.topics.enable", "true"),
          Map.entry("offsets.topic.replication.factor", "1"),
          Map.entry("offsets.topic.num.partitions", "10"),
          Map.entry("transaction.state.log.replication.factor", "1"),
          Map.entry("transaction.state.log.min.isr", "1"),
          Map.entry("share.coordinator.state.topic.replication.factor", "1"),
          Map.entry("share.coordinator.state.topic.min.isr", "1"),
          Map.entry("group.initial.rebalance.delay.ms", "0"),
          Map.entry("log.flush.interval.messages", "1000000"),
          Map.entry("log.retention.hours", "168")));
      KafkaConfig kafkaConfig = new KafkaConfig(config, false);

      // Format once: the cluster id written then must match on every later start.
      if (!Files.exists(logDirectory.resolve("meta.properties"))) {
        format(logDirectory);
      }

      KafkaRaftServer server = new KafkaRaftServer(kafkaConfig, Time.SYSTEM);
      server.startup();
      KafkaServer kafka = new KafkaServer(server, port);
      kafka.awaitReady(Duration.ofSeconds(60));
      return kafka;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (Exception e) {
      throw new IllegalStateException("cannot start Kafka on port " + port, e);
    }
  }

  private static void format(Path logDirectory) throws Exception {
    new Formatter()
        .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
        .setClusterId(Uuid.randomUuid().toString())
        .setNodeId(1)
        .setControllerListenerName(CONTROLLER)
        .setDirectories(List.of(logDirectory.toString()))
        .setMetadataLogDirectory(logDirectory.toString())
        .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
        .run();
  }

  @Override
  public String name() {
    return "kafka";
  }

  @Override
  public String endpoint() {
    return bootstrapServers();
  }

  public String bootstrapServers() {
    return Ports.LOOPBACK + ":" + port;
  }

  /** Creates topics that do not exist yet (idempotent). */
  public void createTopics(List<String> names, int partitions) {
    try (Admin admin = admin()) {
      for (String name : names) {
        try {
          admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1))).all()
              .get(30, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
          if (!(e.getCause() instanceof TopicExistsException)) {
            throw new IllegalStateException("cannot create topic " + name, e.getCause());
          }
        }
      }
    } catch (InterruptedException | java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("cannot create topics " + names, e);
    }
  }

  public Admin admin() {
    return Admin.create(Map.of(
        AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
        AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000));
  }

  private void awaitReady(Duration timeout) throws Exception {
    try (Admin admin = admin()) {
      admin.describeCluster().nodes().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  @Override
  public void close() {
    if (jvm != null) {
      jvm.close();
      return;
    }
    server.shutdown();
    server.awaitShutdown();
  }
}
