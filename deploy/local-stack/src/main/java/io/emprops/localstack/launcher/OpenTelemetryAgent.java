package io.emprops.localstack.launcher;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The OpenTelemetry Java agent as {@code ./run --otel} attaches it to every application (and the
 * dev worker): traces exported as OTLP over HTTP to a local endpoint — a collector, Jaeger, or a
 * test's receiver. The build fetches the agent into {@code deploy/local-stack/target/otel}; the
 * images carry the same jar.
 */
public final class OpenTelemetryAgent {

  /** Where an OpenTelemetry collector or Jaeger listens for OTLP over HTTP by default. */
  public static final String DEFAULT_ENDPOINT = "http://127.0.0.1:4318";

  /** Settings the launcher gives each process itself, whatever its own environment holds. */
  private static final java.util.Set<String> PER_PROCESS = java.util.Set.of("OTEL_SERVICE_NAME",
      "OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT");

  private OpenTelemetryAgent() {}

  public static Path jar(Path root) {
    return root.resolve("deploy/local-stack/target/otel/opentelemetry-javaagent.jar");
  }

  public static List<String> jvmOptions(Path root) {
    return List.of("-javaagent:" + jar(root));
  }

  /**
   * The agent's settings for one process: its service name, the endpoint, traces only (metrics
   * are Prometheus's, logs stay in the log files), and the trace ids in the logging context under
   * the names the services' log pattern and JSON logs read ({@code traceId}, {@code spanId}).
   */
  public static Map<String, String> environment(String serviceName, String endpoint) {
    return environment(serviceName, endpoint, System.getenv());
  }

  /**
   * As {@link #environment(String, String)}, where any other {@code OTEL_*} setting of the
   * launcher's own environment ({@code launcher}) wins over the defaults — e.g.
   * {@code OTEL_BSP_SCHEDULE_DELAY=200 ./run --otel} for spans within a fifth of a second, or
   * {@code OTEL_INSTRUMENTATION_JDBC_ENABLED=false}. The service name and the endpoint stay the
   * launcher's: they are per process and {@code --otel-endpoint}'s.
   */
  static Map<String, String> environment(String serviceName, String endpoint, Map<String, String> launcher) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("OTEL_SERVICE_NAME", serviceName);
    env.put("OTEL_RESOURCE_ATTRIBUTES", "deployment.environment.name=local");
    env.put("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint);
    env.put("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf");
    env.put("OTEL_TRACES_EXPORTER", "otlp");
    env.put("OTEL_METRICS_EXPORTER", "none");
    env.put("OTEL_LOGS_EXPORTER", "none");
    // Spans reach the endpoint within a second (the default waits five).
    env.put("OTEL_BSP_SCHEDULE_DELAY", "1000");
    env.put("OTEL_INSTRUMENTATION_COMMON_LOGGING_TRACE_ID_KEY", "traceId");
    env.put("OTEL_INSTRUMENTATION_COMMON_LOGGING_SPAN_ID_KEY", "spanId");
    env.put("OTEL_INSTRUMENTATION_COMMON_LOGGING_TRACE_FLAGS_KEY", "traceFlags");
    launcher.forEach((name, value) -> {
      if (name.startsWith("OTEL_") && !PER_PROCESS.contains(name)) {
        env.put(name, value);
      }
    });
    return env;
  }
}
