package io.emprops.events.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.emprops.events.config.EventsProperties;
import io.emprops.events.contract.DomainEvent;
import io.emprops.events.contract.EventHeaders;
import io.emprops.events.contract.Topic;
import io.emprops.events.outbox.Outbox;
import io.emprops.events.testapp.EventsTestApplication;
import io.emprops.events.testing.KafkaTopics;
import io.emprops.events.testing.TestEvents;
import io.emprops.events.testing.TestRelays;
import io.emprops.events.testing.TopicRecorder;
import io.emprops.localstack.testing.SharedInfrastructure;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.connect.cli.ConnectDistributed;
import org.apache.kafka.connect.runtime.Connect;
import org.apache.kafka.connect.runtime.distributed.DistributedHerder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * The relay at scale: a service runs with {@code emprops.events.relay.mode=kafka-connect} (no
 * engine of its own) and Debezium's connector runs on a Kafka Connect worker in distributed mode,
 * in this JVM, configured through Connect's REST API with {@link KafkaConnectConnector}'s
 * configuration. The embedded relay reads the very same outbox rows through a second slot into
 * another namespace, so the two outputs can be compared record by record.
 */
@SpringBootTest(classes = EventsTestApplication.class, properties = {
    "spring.application.name=connect-relayed-service",
    "emprops.service.schema=" + KafkaConnectRelayTest.SCHEMA,
    "spring.flyway.schemas=" + KafkaConnectRelayTest.SCHEMA,
    "emprops.events.relay.mode=kafka-connect",
    "emprops.events.relay.heartbeat-interval=1s"})
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class KafkaConnectRelayTest {

  static final String SCHEMA = "connect_relay";
  private static final String PASSWORD = SharedInfrastructure.get().provisionSchema(SCHEMA);
  private static final String JDBC_URL = SharedInfrastructure.get().postgres().jdbcUrl(SCHEMA);
  private static final String CONNECT_NAMESPACE = KafkaTopics.freshNamespace("connect");
  private static final String EMBEDDED_NAMESPACE = KafkaTopics.freshNamespace("embedded");
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private static Connect<DistributedHerder> worker;
  private static OutboxRelay embedded;
  private static Path secrets;

  @Autowired Outbox outbox;
  @Autowired TransactionTemplate transactions;
  @Autowired OutboxRelay relay;
  @Autowired RelayHealthIndicator relayHealth;
  @Autowired EventsProperties properties;
  @Autowired MeterRegistry meters;

  @DynamicPropertySource
  static void infrastructure(DynamicPropertyRegistry registry) {
    registry.add("spring.datasource.url", () -> JDBC_URL);
    registry.add("spring.datasource.username", () -> SCHEMA);
    registry.add("spring.datasource.password", () -> PASSWORD);
    registry.add("spring.kafka.bootstrap-servers", KafkaTopics::bootstrapServers);
    registry.add("emprops.events.namespace", () -> CONNECT_NAMESPACE);
  }

  @BeforeAll
  static void startWorker() throws IOException {
    // The password reaches the connector by reference, as in the shipped configurations.
    secrets = Files.createTempFile("connect-secrets", ".properties");
    Files.writeString(secrets, "password=" + PASSWORD + "\n");
    String id = UUID.randomUUID().toString().substring(0, 8);
    Map<String, String> config = new LinkedHashMap<>();
    config.put("bootstrap.servers", KafkaTopics.bootstrapServers());
    config.put("group.id", "emprops-connect-" + id);
    config.put("config.storage.topic", "connect-configs-" + id);
    config.put("offset.storage.topic", "connect-offsets-" + id);
    config.put("status.storage.topic", "connect-status-" + id);
    config.put("config.storage.replication.factor", "1");
    config.put("offset.storage.replication.factor", "1");
    config.put("status.storage.replication.factor", "1");
    config.put("offset.flush.interval.ms", "1000");
    config.put("key.converter", "org.apache.kafka.connect.json.JsonConverter");
    config.put("value.converter", "org.apache.kafka.connect.json.JsonConverter");
    config.put("listeners", "http://127.0.0.1:0");
    config.put("config.providers", "file");
    config.put("config.providers.file.class", "org.apache.kafka.common.config.provider.FileConfigProvider");
    worker = new ConnectDistributed().startConnect(config);
  }

  @AfterAll
  static void stopWorker() throws IOException {
    if (embedded != null) {
      embedded.stop();
    }
    if (worker != null) {
      worker.stop();
      worker.awaitStop();
    }
    Files.deleteIfExists(secrets);
  }

  @Test
  void connectorOnKafkaConnectRelaysTheSameRecordsAsTheEmbeddedRelay() throws Exception {
    // The service prepared its slot and runs no engine.
    assertThat(relay.state()).isEqualTo(RelayState.EXTERNAL);
    assertThat(relay.isLeader()).isFalse();
    assertThat(relayHealth.health().getStatus()).isEqualTo(Status.UP);
    assertThat(relayHealth.health().getDetails()).containsEntry("mode", "kafka-connect");

    // The same rows through the embedded relay, on a slot of its own, into another namespace.
    embedded = new OutboxRelay(TestRelays.settings("embedded-twin", SCHEMA, JDBC_URL, SCHEMA, PASSWORD,
            KafkaTopics.bootstrapServers(), EMBEDDED_NAMESPACE)
        .slotName("emprops_" + SCHEMA + "_embedded")
        .publicationName(relay.settings().publicationName())
        .build(), new SimpleMeterRegistry());
    embedded.start();

    RelaySettings connectorSettings = properties.relaySettings("connect-relayed-service", SCHEMA)
        .database(JDBC_URL, SCHEMA, "${file:" + secrets + ":password}")
        .kafkaClientProperties(Map.of("bootstrap.servers", KafkaTopics.bootstrapServers()))
        .build();
    String name = KafkaConnectConnector.name(connectorSettings);
    HttpResponse<String> created = HTTP.send(HttpRequest.newBuilder(
            worker.rest().advertisedUrl().resolve("connectors/" + name + "/config"))
        .header("Content-Type", "application/json")
        .PUT(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(KafkaConnectConnector.config(connectorSettings))))
        .build(), HttpResponse.BodyHandlers.ofString());
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    await().atMost(Duration.ofSeconds(60)).until(() -> running(name));
    await().atMost(Duration.ofSeconds(60)).until(() -> embedded.state() == RelayState.RELAYING);

    List<String> connectTopics = eventTopics(CONNECT_NAMESPACE);
    List<String> embeddedTopics = eventTopics(EMBEDDED_NAMESPACE);
    try (TopicRecorder viaConnect = new TopicRecorder(connectTopics);
         TopicRecorder viaEmbedded = new TopicRecorder(embeddedTopics)) {
      long slotBefore = confirmedFlushLsn("emprops_" + SCHEMA + "_outbox");
      List<UUID> written = publishInterleaved();

      await().atMost(Duration.ofSeconds(60)).until(() -> viaConnect.records().size() >= written.size()
          && viaEmbedded.records().size() >= written.size());
      // A redelivery, if there were one, has the time to show up.
      await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(10)).until(
          () -> viaConnect.records().size() == written.size() && viaEmbedded.records().size() == written.size());

      assertThat(viaConnect.eventIds()).containsExactlyInAnyOrderElementsOf(written);
      Map<UUID, ConsumerRecord<String, byte[]>> byEmbedded = byEventId(viaEmbedded.records());
      for (ConsumerRecord<String, byte[]> record : viaConnect.records()) {
        ConsumerRecord<String, byte[]> twin = byEmbedded.get(UUID.fromString(TopicRecorder.header(record, EventHeaders.EVENT_ID)));
        assertThat(withoutNamespace(record.topic(), CONNECT_NAMESPACE)).isEqualTo(withoutNamespace(twin.topic(), EMBEDDED_NAMESPACE));
        assertThat(record.partition()).isEqualTo(twin.partition());
        assertThat(record.key()).isEqualTo(twin.key());
        assertThat(new String(record.value(), StandardCharsets.UTF_8)).isEqualTo(new String(twin.value(), StandardCharsets.UTF_8));
        assertThat(headers(record)).isEqualTo(headers(twin)).hasSize(4);
        assertThat(headers(record)).extracting(h -> h.split("=", 2)[0])
            .containsExactly(EventHeaders.EVENT_ID, EventHeaders.EVENT_TYPE, EventHeaders.OCCURRED_AT, EventHeaders.TRACEPARENT);
        // Both stamp a record with its transaction's commit time.
        assertThat(record.timestamp()).isEqualTo(twin.timestamp());
      }
      // The same order in every partition, and per aggregate the order of the writes.
      assertThat(orderByPartition(viaConnect.records(), CONNECT_NAMESPACE))
          .isEqualTo(orderByPartition(viaEmbedded.records(), EMBEDDED_NAMESPACE));
      Map<String, List<UUID>> writtenByKey = perKey(viaConnect.records());
      writtenByKey.values().forEach(ids -> assertThat(ids).isSortedAccordingTo(
          (a, b) -> Integer.compare(written.indexOf(a), written.indexOf(b))));

      // Heartbeats moved the slot and reached no topic; the service watches the slot's lag.
      await().atMost(Duration.ofSeconds(30)).until(() -> confirmedFlushLsn("emprops_" + SCHEMA + "_outbox") > slotBefore);
      try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaTopics.bootstrapServers()))) {
        Set<String> topics = admin.listTopics().names().get();
        assertThat(topics).noneMatch(t -> t.startsWith(OutboxConnectorProperties.HEARTBEAT_TOPIC_PREFIX + ".connect-relayed-service"));
      }
      await().atMost(Duration.ofSeconds(10)).until(() -> !Double.isNaN(
          meters.get("emprops.events.relay.slot.lag").gauge().value()));
    }
  }

  /** Sixty events of three aggregates, interleaved, one to three per transaction. */
  private List<UUID> publishInterleaved() {
    List<UUID> jobs = List.of(UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID());
    List<UUID> written = new ArrayList<>();
    int sequence = 0;
    while (written.size() < 60) {
      List<DomainEvent> batch = new ArrayList<>();
      for (int i = 0; i <= sequence % 3; i++) {
        batch.add(TestEvents.generationRequested(jobs.get((sequence + i) % jobs.size()), sequence * 10 + i));
      }
      sequence++;
      written.addAll(transactions.execute(status -> outbox.publishAll(batch)));
    }
    return written;
  }

  private static boolean running(String connector) throws IOException, InterruptedException {
    HttpResponse<String> status = HTTP.send(HttpRequest.newBuilder(
        worker.rest().advertisedUrl().resolve("connectors/" + connector + "/status")).GET().build(),
        HttpResponse.BodyHandlers.ofString());
    if (status.statusCode() != 200) {
      return false;
    }
    var body = JSON.readTree(status.body());
    var tasks = body.get("tasks");
    if (tasks.isEmpty()) {
      return false;
    }
    String taskState = tasks.get(0).get("state").asString();
    if ("FAILED".equals(taskState)) {
      throw new AssertionError("connector task failed: " + tasks.get(0).get("trace").asString());
    }
    return "RUNNING".equals(body.get("connector").get("state").asString()) && "RUNNING".equals(taskState);
  }

  private static long confirmedFlushLsn(String slot) throws Exception {
    try (Connection c = SharedInfrastructure.get().postgres().superuserConnection();
         Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("SELECT pg_wal_lsn_diff(confirmed_flush_lsn, '0/0')::bigint"
             + " FROM pg_replication_slots WHERE slot_name = '" + slot + "'")) {
      return rs.next() ? rs.getLong(1) : -1;
    }
  }

  private static List<String> eventTopics(String namespace) {
    return java.util.Arrays.stream(Topic.values()).map(t -> t.topicName(namespace)).toList();
  }

  private static String withoutNamespace(String topic, String namespace) {
    return topic.substring(namespace.length());
  }

  private static List<String> headers(ConsumerRecord<?, ?> record) {
    List<String> headers = new ArrayList<>();
    for (Header header : record.headers()) {
      headers.add(header.key() + "=" + new String(header.value(), StandardCharsets.UTF_8));
    }
    return headers;
  }

  private static Map<UUID, ConsumerRecord<String, byte[]>> byEventId(List<ConsumerRecord<String, byte[]>> records) {
    return records.stream().collect(Collectors.toMap(
        r -> UUID.fromString(TopicRecorder.header(r, EventHeaders.EVENT_ID)), Function.identity()));
  }

  private static Map<String, List<String>> orderByPartition(List<ConsumerRecord<String, byte[]>> records, String namespace) {
    Map<String, List<String>> order = new LinkedHashMap<>();
    records.stream()
        .sorted(java.util.Comparator.comparingLong(ConsumerRecord::offset))
        .forEach(r -> order.computeIfAbsent(withoutNamespace(r.topic(), namespace) + "-" + r.partition(),
            k -> new ArrayList<>()).add(TopicRecorder.header(r, EventHeaders.EVENT_ID)));
    return new java.util.TreeMap<>(order);
  }

  private static Map<String, List<UUID>> perKey(List<ConsumerRecord<String, byte[]>> records) {
    Map<String, List<UUID>> byKey = new LinkedHashMap<>();
    records.stream()
        .sorted(java.util.Comparator.comparingLong(ConsumerRecord::offset))
        .forEach(r -> byKey.computeIfAbsent(r.key(), k -> new ArrayList<>())
            .add(UUID.fromString(TopicRecorder.header(r, EventHeaders.EVENT_ID))));
    return byKey;
  }
}
