package io.emprops.events.relay;

import static org.assertj.core.api.Assertions.assertThat;

import io.emprops.events.config.EventsProperties;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.io.FileSystemResource;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.SerializationFeature;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * The connector configurations shipped for Kafka Connect — {@code deploy/kafka-connect/connectors}
 * (docker compose) and {@code deploy/k8s/kafka-connect/connectors.yaml} (Strimzi) — are exactly
 * what {@link KafkaConnectConnector} makes of each service's own {@code emprops.events} settings
 * (its {@code application.yml}), so a setting changed in a service cannot drift from its
 * connector. Passwords stay references ({@code ${env:CREDITS_DB_PASSWORD}}) that the worker
 * resolves. After a deliberate change, regenerate with {@code -Demprops.connectors.write=true}.
 */
class ShippedConnectorConfigurationTest {

  /** Every service that publishes through the outbox, with its schema. */
  private static final Map<String, String> SERVICES = new LinkedHashMap<>();
  static {
    SERVICES.put("collections-service", "collections");
    SERVICES.put("credits-service", "credits");
    SERVICES.put("generator-service", "generator");
    SERVICES.put("publishing-service", "publishing");
    SERVICES.put("storage-service", "storage");
  }

  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final Path COMPOSE_DIR = ROOT.resolve("deploy/kafka-connect/connectors");
  private static final Path STRIMZI_FILE = ROOT.resolve("deploy/k8s/kafka-connect/connectors.yaml");
  private static final boolean WRITE = Boolean.getBoolean("emprops.connectors.write");
  private final JsonMapper json = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();
  private final Yaml yaml = new Yaml(blockStyle());

  @Test
  void composeConnectorsAreGeneratedFromEachServicesSettings() throws IOException {
    for (String service : SERVICES.keySet()) {
      Map<String, String> expected = KafkaConnectConnector.config(settings(service));
      Path file = COMPOSE_DIR.resolve(KafkaConnectConnector.name(settings(service)) + ".json");
      if (WRITE) {
        Files.createDirectories(file.getParent());
        Files.writeString(file, json.writeValueAsString(expected) + "\n");
      }
      assertThat(file).as("shipped for " + service).exists();
      assertThat(json.readValue(file.toFile(), Map.class)).as(file.toString()).isEqualTo(expected);
    }
    try (var files = Files.list(COMPOSE_DIR)) {
      assertThat(files.count()).as("one connector per service, no stale file").isEqualTo(SERVICES.size());
    }
  }

  @Test
  void strimziConnectorsAreGeneratedFromEachServicesSettings() throws IOException {
    List<Map<String, Object>> expected = new ArrayList<>();
    for (String service : SERVICES.keySet()) {
      expected.add(strimziConnector(settings(service)));
    }
    if (WRITE) {
      Files.createDirectories(STRIMZI_FILE.getParent());
      StringBuilder out = new StringBuilder("# Generated from KafkaConnectConnector (ShippedConnectorConfigurationTest): do not edit.\n");
      for (Map<String, Object> connector : expected) {
        out.append("---\n").append(yaml.dump(connector));
      }
      Files.writeString(STRIMZI_FILE, out.toString());
    }
    List<Object> shipped = new ArrayList<>();
    yaml.loadAll(Files.readString(STRIMZI_FILE)).forEach(shipped::add);
    assertThat(shipped).isEqualTo(new ArrayList<Object>(expected));
  }

  private static DumperOptions blockStyle() {
    DumperOptions options = new DumperOptions();
    options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
    return options;
  }

  /** A Strimzi {@code KafkaConnector}: name, class and task count are fields of their own there. */
  private static Map<String, Object> strimziConnector(RelaySettings settings) {
    Map<String, String> config = new LinkedHashMap<>(KafkaConnectConnector.config(settings));
    String name = config.remove("name");
    String connectorClass = config.remove("connector.class");
    int tasks = Integer.parseInt(config.remove("tasks.max"));
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("class", connectorClass);
    spec.put("tasksMax", tasks);
    spec.put("config", config);
    Map<String, Object> connector = new LinkedHashMap<>();
    connector.put("apiVersion", "kafka.strimzi.io/v1beta2");
    connector.put("kind", "KafkaConnector");
    Map<String, Object> metadata = new LinkedHashMap<>();
    metadata.put("name", name);
    metadata.put("labels", Map.of("strimzi.io/cluster", "emprops-connect"));
    connector.put("metadata", metadata);
    connector.put("spec", spec);
    return connector;
  }

  /** The service's relay settings as its application.yml makes them, against the deployments' Postgres. */
  private static RelaySettings settings(String service) throws IOException {
    String schema = SERVICES.get(service);
    StandardEnvironment environment = new StandardEnvironment();
    new YamlPropertySourceLoader()
        .load(service, new FileSystemResource(ROOT.resolve(service).resolve("src/main/resources/application.yml")))
        .forEach(environment.getPropertySources()::addLast);
    EventsProperties properties = new Binder(ConfigurationPropertySources.get(environment))
        .bindOrCreate("emprops.events", EventsProperties.class);
    return properties.relaySettings(service, schema)
        .database("jdbc:postgresql://postgres:5432/emprops", schema,
            "${env:" + schema.toUpperCase(Locale.ROOT) + "_DB_PASSWORD}")
        // The worker's own Kafka (the connector has no client settings of its own).
        .kafkaClientProperties(Map.of("bootstrap.servers", "kafka:9092"))
        .build();
  }
}
