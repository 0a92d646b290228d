package io.emprops.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.emprops.localstack.launcher.App;
import io.emprops.localstack.launcher.OpenTelemetryAgent;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What can be checked of the deployment files without a container engine or a cluster (neither
 * runs here): each application has an image build whose inputs exist after the build (its layered
 * jar, the OpenTelemetry agent); {@code docker-compose config} accepts docker-compose.yml with the
 * example .env, and both overlays of {@code deploy/k8s} render with {@code kubectl kustomize} into
 * resources that fit the Kubernetes API's schema ({@link KubernetesSchema}, offline);
 * compose and Kubernetes name every application with the port it really listens on (its
 * application.yml) and probe the actuator groups it really exposes; secrets come from Secret
 * objects, never literals.
 */
class DeploymentFilesTest {

  private static final Path ROOT = RunningStack.repositoryRoot();
  private static final Yaml YAML = new Yaml();

  @Test
  void everyApplicationHasAnImageBuildWhoseInputsExistAfterTheBuild() throws IOException {
    String dockerfile = Files.readString(ROOT.resolve("deploy/docker/Dockerfile"));
    assertThat(dockerfile)
        .contains("COPY ${MODULE}/target/${MODULE}.jar app.jar")
        .contains("extract --layers --launcher")
        .contains("COPY " + ROOT.relativize(OpenTelemetryAgent.jar(ROOT)) + " ")
        .contains("OTEL_JAVAAGENT_ENABLED=false")
        .containsPattern("(?m)^USER 10001:10001$")
        .containsPattern("(?s)\nHEALTHCHECK [^\n]*\\\\\n\\s+CMD .*/actuator/health/readiness")
        .containsPattern("(?m)^ARG JRE_IMAGE=eclipse-temurin:(2[1-9]|[3-9][0-9])-jre");
    assertThat(OpenTelemetryAgent.jar(ROOT)).isRegularFile();
    for (App app : App.values()) {
      Path jar = app.jar(ROOT);
      assertThat(jar).as("built by this reactor before e2e").isRegularFile();
      try (ZipFile zip = new ZipFile(jar.toFile())) {
        assertThat(zip.getEntry("BOOT-INF/layers.idx")).as(app + " is a layered jar").isNotNull();
      }
    }
  }

  @Test
  void composeNamesEveryApplicationWithItsPortAndHealthAndValidates() throws Exception {
    Map<String, Object> compose = YAML.load(Files.readString(ROOT.resolve("docker-compose.yml")));
    Map<String, Object> services = map(compose.get("services"));
    for (App app : App.values()) {
      Map<String, Object> service = map(services.get(app.module()));
      assertThat(service).as(app.module()).isNotNull();
      Map<String, Object> build = map(service.get("build"));
      assertThat(build.get("dockerfile")).isEqualTo("deploy/docker/Dockerfile");
      assertThat(map(build.get("args"))).containsEntry("MODULE", app.module())
          .containsEntry("PORT", Integer.toString(port(app)));
      assertThat(service.get("depends_on")).as(app.module() + " waits for its dependencies").isNotNull();
      map(service.get("depends_on")).values().forEach(condition -> assertThat(map(condition))
          .containsKey("condition"));
    }
    for (String infra : List.of("postgres", "kafka", "redis", "minio", "anvil", "otel-collector", "prometheus", "grafana")) {
      assertThat(services).containsKey(infra);
    }
    assertThat(map(services.get("postgres")).get("command").toString())
        .contains("wal_level=logical", "synchronous_commit=on");
    assertThat(Files.readString(ROOT.resolve(".gitignore"))).containsPattern("(?m)^\\.env$");

    String prometheus = Files.readString(ROOT.resolve("deploy/compose/prometheus.yml"));
    for (App app : App.values()) {
      assertThat(prometheus).contains(app.module() + ":" + port(app));
    }
    JsonNode dashboard = JsonMapper.builder().build().readTree(
        ROOT.resolve("deploy/compose/grafana/dashboards/emprops.json").toFile());
    assertThat(dashboard.get("panels").size()).isPositive();
  }

  @Test
  void dockerComposeConfigAcceptsTheFileWithTheExampleEnvironment() throws Exception {
    assumeTrue(available("docker-compose", "version"), "docker-compose is not on PATH (apt-get install docker-compose)");
    Path output = Files.createTempFile("compose-config", ".txt");
    for (String profile : List.of("", "kafka-connect")) {
      List<String> command = new ArrayList<>(List.of("docker-compose", "--env-file", ".env.example"));
      if (!profile.isEmpty()) {
        command.addAll(List.of("--profile", profile));
      }
      command.addAll(List.of("config", "--quiet"));
      assertThat(run(command, output)).as("%s:\n%s", command, Files.readString(output)).isZero();
    }
    Files.deleteIfExists(output);
  }

  @Test
  void theThreeBrokerVariantReplicatesEveryTopicAndEveryClientKnowsEveryBroker() throws Exception {
    assumeTrue(available("docker-compose", "version"), "docker-compose is not on PATH (apt-get install docker-compose)");
    Path output = Files.createTempFile("compose-cluster", ".yaml");
    List<String> command = List.of("docker-compose", "--env-file", ".env.example", "-f", "docker-compose.yml",
        "-f", "docker-compose.kafka-cluster.yml", "--profile", "kafka-connect", "config");
    assertThat(run(command, output)).as("%s:\n%s", command, Files.readString(output)).isZero();
    Map<String, Object> services = map(((Map<String, Object>) YAML.load(Files.readString(output))).get("services"));
    List<String> brokers = List.of("kafka", "kafka-2", "kafka-3");
    Set<Object> clusterIds = new java.util.HashSet<>();
    Set<Object> nodeIds = new java.util.HashSet<>();
    for (String broker : brokers) {
      Map<String, Object> env = map(map(services.get(broker)).get("environment"));
      assertThat(env).as(broker)
          .containsEntry("KAFKA_CONTROLLER_QUORUM_VOTERS", "1@kafka:9093,2@kafka-2:9093,3@kafka-3:9093")
          .containsEntry("KAFKA_ADVERTISED_LISTENERS", "PLAINTEXT://" + broker + ":9092")
          .containsEntry("KAFKA_DEFAULT_REPLICATION_FACTOR", "3").containsEntry("KAFKA_MIN_INSYNC_REPLICAS", "2")
          .containsEntry("KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR", "3")
          .containsEntry("KAFKA_UNCLEAN_LEADER_ELECTION_ENABLE", "false");
      assertThat(env.get("CLUSTER_ID").toString()).as("a Kafka cluster id: 16 bytes in base64url").matches("[A-Za-z0-9_-]{22}");
      clusterIds.add(env.get("CLUSTER_ID"));
      nodeIds.add(env.get("KAFKA_NODE_ID"));
      assertThat(map(services.get(broker)).get("healthcheck")).as(broker + " healthcheck").isNotNull();
    }
    assertThat(clusterIds).as("one cluster").hasSize(1);
    assertThat(nodeIds).as("distinct node ids").hasSize(3);
    for (App app : App.values()) {
      Map<String, Object> service = map(services.get(app.module()));
      assertThat(map(service.get("environment")).get("SPRING_KAFKA_BOOTSTRAPSERVERS"))
          .as(app.module()).isEqualTo("kafka:9092,kafka-2:9092,kafka-3:9092");
      if (map(service.get("depends_on")).containsKey("kafka")) {
        assertThat(map(service.get("depends_on"))).as(app.module() + " waits for every broker")
            .containsKeys(brokers.toArray(String[]::new));
      }
    }
    Map<String, Object> connect = map(map(services.get("kafka-connect")).get("environment"));
    assertThat(connect).containsEntry("BOOTSTRAP_SERVERS", "kafka:9092,kafka-2:9092,kafka-3:9092")
        .containsEntry("OFFSET_STORAGE_REPLICATION_FACTOR", "3");
    Files.deleteIfExists(output);
  }

  @Test
  void kubernetesBaseProbesWhatTheApplicationsExposeOnTheirPorts() throws Exception {
    // What the probes rely on: health groups on (liveness, readiness) and the health endpoint exposed.
    for (Path config : List.of(ROOT.resolve("shared-web/src/main/resources/emprops/service-defaults.yml"),
        ROOT.resolve("gateway/src/main/resources/application.yml"))) {
      Map<String, Object> management = map(((Map<String, Object>) YAML.load(Files.readString(config))).get("management"));
      assertThat(map(map(map(management.get("endpoint")).get("health")).get("probes")).get("enabled"))
          .as(config.toString()).isEqualTo(true);
      assertThat(map(map(map(management.get("endpoints")).get("web")).get("exposure")).get("include").toString())
          .contains("health", "prometheus");
    }
    checkManifests(base());
  }

  @Test
  void kubernetesOverlaysAndConnectorsRenderWithKustomize() throws Exception {
    assumeTrue(available("kubectl", "version", "--client"),
        "kubectl (with kustomize v5) is not on PATH: overlays not rendered; the base was checked alone");
    for (String overlay : List.of("local", "prod")) {
      checkManifests(render("deploy/k8s/overlays/" + overlay));
    }
    List<Map<String, Object>> connect = render("deploy/k8s/kafka-connect");
    assertFitTheKubernetesSchema(connect);
    // One connector per service with an outbox: all but the gateway and webhooks-service (which publishes nothing).
    assertThat(connect).filteredOn(r -> "KafkaConnector".equals(r.get("kind"))).hasSize(App.values().length - 2);
  }

  @Test
  void theSchemaCheckRefusesWhatTheApiServerWould() {
    Map<String, Object> misspelt = YAML.load("""
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: misspelt}
        spec:
          replicas: 1
          selector: {matchLabels: {app: a}}
          template:
            metadata: {labels: {app: a}}
            spec:
              containers:
                - name: a
                  image: a
                  readinesProbe: {httpGet: {path: /, port: http}}
                  resources: {requests: {memory: 1Gigabyte}}
        """);
    assertThat(KubernetesSchema.violations(misspelt, Set.of())).containsExactlyInAnyOrder(
        "Deployment misspelt.spec.template.spec.containers[0].readinesProbe: no such field in Container",
        "Deployment misspelt.spec.template.spec.containers[0].resources.requests.memory: '1Gigabyte' is not a quantity");
    Map<String, Object> wrongType = YAML.load("""
        apiVersion: v1
        kind: Service
        metadata: {name: quoted}
        spec:
          ports: [{name: http, port: "8080"}]
        """);
    assertThat(KubernetesSchema.violations(wrongType, Set.of())).singleElement().asString()
        .startsWith("Service quoted: ");
    Map<String, Object> unknownKind = YAML.load("{apiVersion: autoscaling/v3, kind: HorizontalPodAutoscaler, metadata: {name: h}}");
    assertThat(KubernetesSchema.violations(unknownKind, Set.of())).singleElement().asString()
        .contains("is not a kind the Kubernetes API serves");
  }

  private static void assertFitTheKubernetesSchema(List<Map<String, Object>> resources) {
    assertThat(resources).as("rendered resources").isNotEmpty();
    assertThat(resources.stream().flatMap(r -> KubernetesSchema.violations(r, Set.of("kafka.strimzi.io")).stream()))
        .as("what the Kubernetes API would refuse").isEmpty();
  }

  private static void checkManifests(List<Map<String, Object>> resources) throws IOException {
    assertFitTheKubernetesSchema(resources);
    for (App app : App.values()) {
      Map<String, Object> deployment = find(resources, "Deployment", app.module());
      Map<String, Object> container = map(((List<?>) map(map(map(deployment.get("spec")).get("template")).get("spec"))
          .get("containers")).getFirst());
      assertThat(map(((List<?>) container.get("ports")).getFirst()))
          .containsEntry("name", "http").containsEntry("containerPort", port(app));
      assertThat(probe(container, "startupProbe")).isEqualTo("/actuator/health/liveness");
      assertThat(probe(container, "livenessProbe")).isEqualTo("/actuator/health/liveness");
      assertThat(probe(container, "readinessProbe")).isEqualTo("/actuator/health/readiness");
      Map<String, Object> resourcesOf = map(container.get("resources"));
      assertThat(map(resourcesOf.get("requests"))).containsKeys("cpu", "memory");
      assertThat(map(resourcesOf.get("limits"))).containsKey("memory");
      for (Object entry : (List<?>) container.get("env")) {
        Map<String, Object> variable = map(entry);
        String name = variable.get("name").toString();
        if (name.endsWith("PASSWORD") || name.endsWith("SECRET") || name.endsWith("KEY") || name.endsWith("REDIS_URL")) {
          assertThat(variable).as("%s of %s comes from a Secret", name, app.module()).doesNotContainKey("value");
          assertThat(map(map(variable.get("valueFrom")).get("secretKeyRef")).get("name")).isEqualTo("emprops-secrets");
        }
      }
      Map<String, Object> service = find(resources, "Service", app.module());
      assertThat(map(((List<?>) map(service.get("spec")).get("ports")).getFirst())).containsEntry("port", port(app));
      find(resources, "HorizontalPodAutoscaler", app.module());
      find(resources, "PodDisruptionBudget", app.module());
    }
    assertThat(resources).anyMatch(r -> "NetworkPolicy".equals(r.get("kind")));
    assertThat(resources).noneMatch(r -> "Secret".equals(r.get("kind")));
  }

  /** The base's resources as listed in its kustomization, read without kustomize. */
  private static List<Map<String, Object>> base() throws IOException {
    Path base = ROOT.resolve("deploy/k8s/base");
    Map<String, Object> kustomization = YAML.load(Files.readString(base.resolve("kustomization.yaml")));
    List<Map<String, Object>> resources = new ArrayList<>();
    for (Object file : (List<?>) kustomization.get("resources")) {
      YAML.loadAll(Files.readString(base.resolve(file.toString()))).forEach(doc -> resources.add(map(doc)));
    }
    try (var files = Files.list(base)) {
      assertThat(files.filter(f -> !f.endsWith("kustomization.yaml")).map(f -> f.getFileName().toString()))
          .as("every manifest of the base is in its kustomization")
          .containsExactlyInAnyOrderElementsOf(((List<?>) kustomization.get("resources")).stream().map(Object::toString).toList());
    }
    return resources;
  }

  private static boolean available(String... command) {
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      return process.waitFor(30, TimeUnit.SECONDS) && process.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static String probe(Map<String, Object> container, String probe) {
    Map<String, Object> http = map(map(container.get(probe)).get("httpGet"));
    assertThat(http.get("port")).as(probe).isEqualTo("http");
    return http.get("path").toString();
  }

  private static Map<String, Object> find(List<Map<String, Object>> resources, String kind, String name) {
    return resources.stream()
        .filter(r -> kind.equals(r.get("kind")) && name.equals(map(r.get("metadata")).get("name")))
        .findFirst().orElseThrow(() -> new AssertionError("no " + kind + " " + name));
  }

  /** The port the application listens on by default: server.port of its application.yml. */
  private static int port(App app) throws IOException {
    Map<String, Object> config = YAML.load(Files.readString(ROOT.resolve(app.module()).resolve("src/main/resources/application.yml")));
    String port = map(config.get("server")).get("port").toString();
    // The gateway's ${SERVER_PORT:8080}
    return Integer.parseInt(port.replaceAll("^\\$\\{[A-Z_]+:(\\d+)}$", "$1"));
  }

  private static List<Map<String, Object>> render(String kustomization) throws Exception {
    Path output = Files.createTempFile("kustomize", ".yaml");
    List<String> command = List.of("kubectl", "kustomize", kustomization);
    assertThat(run(command, output)).as("%s:\n%s", command, Files.readString(output)).isZero();
    List<Map<String, Object>> resources = new ArrayList<>();
    YAML.loadAll(Files.readString(output, StandardCharsets.UTF_8)).forEach(doc -> {
      if (doc != null) {
        resources.add(map(doc));
      }
    });
    Files.deleteIfExists(output);
    return resources;
  }

  private static int run(List<String> command, Path output) throws IOException, InterruptedException {
    Process process = new ProcessBuilder(command).directory(ROOT.toFile())
        .redirectErrorStream(true).redirectOutput(output.toFile()).start();
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("%s finished", command).isTrue();
    return process.exitValue();
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object value) {
    return (Map<String, Object>) Objects.requireNonNull(value);
  }
}
