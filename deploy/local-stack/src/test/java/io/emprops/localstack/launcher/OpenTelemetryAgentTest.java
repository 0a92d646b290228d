package io.emprops.localstack.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The agent's settings per process, and which of the launcher's own OTEL_* settings pass through. */
class OpenTelemetryAgentTest {

  @Test
  void theLaunchersOwnOtelSettingsWinExceptTheServiceNameAndTheEndpoint() {
    Map<String, String> env = OpenTelemetryAgent.environment("generator-service", "http://127.0.0.1:4318",
        Map.of("OTEL_BSP_SCHEDULE_DELAY", "200", "OTEL_INSTRUMENTATION_JDBC_ENABLED", "false",
            "OTEL_SERVICE_NAME", "elsewhere", "OTEL_EXPORTER_OTLP_ENDPOINT", "http://elsewhere:4318",
            "PATH", "/usr/bin"));

    assertThat(env).containsEntry("OTEL_BSP_SCHEDULE_DELAY", "200")
        .containsEntry("OTEL_INSTRUMENTATION_JDBC_ENABLED", "false")
        .containsEntry("OTEL_SERVICE_NAME", "generator-service")
        .containsEntry("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4318")
        .containsEntry("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf")
        .doesNotContainKey("PATH");
  }

  @Test
  void withoutSettingsOfItsOwnTheDefaultsHold() {
    assertThat(OpenTelemetryAgent.environment("gateway", "http://127.0.0.1:4318", Map.of()))
        .containsEntry("OTEL_BSP_SCHEDULE_DELAY", "1000")
        .containsEntry("OTEL_TRACES_EXPORTER", "otlp");
  }
}
