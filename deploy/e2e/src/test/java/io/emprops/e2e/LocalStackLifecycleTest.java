package io.emprops.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.emprops.localstack.infra.Ports;
import io.emprops.localstack.infra.StackLayout;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.json.JsonMapper;

/**
 * The stack's own life, on the {@link SharedStack} once every other class is done with it (it is
 * ordered last): a second stack on the same ports refused, SIGTERM leaving nothing behind, and a
 * restart on the same data folder keeping its data (the restarted stack is the shared one after).
 * The restart attaches the OpenTelemetry agents ({@code --otel-endpoint}) when the run takes the
 * trace, which {@link TraceEndToEndTest} then takes on it: one stack start less in CI.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@ExtendWith(SharedStack.Extension.class)
@Order(Integer.MAX_VALUE - 1) // TraceEndToEndTest takes its trace on the restarted stack after it
class LocalStackLifecycleTest {

  /** Granted credits before the restart; their balance must survive it. */
  private static final String PERSISTENT_USER = "e2e-persistent-user";

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final JsonMapper json = JsonMapper.builder().build();
  private SharedStack shared;
  private RunningStack stack;

  @BeforeAll
  void useTheSharedStack(SharedStack shared) {
    Assumptions.assumeFalse(SharedStack.attached(), "an attached stack is not this run's to stop or restart");
    this.shared = shared;
    this.stack = shared.stack();
  }

  @Test
  @Order(1)
  void anAdminGrantIsCreditedThroughTheGateway() throws Exception {
    HttpResponse<String> granted = http.send(HttpRequest.newBuilder(URI.create(stack.gatewayUrl + "/credits/grants"))
            .header("Authorization", "Bearer " + stack.devToken)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(
                "{\"user_id\":\"" + PERSISTENT_USER + "\",\"amount\":50,\"reason\":\"e2e\"}"))
            .build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(granted.statusCode()).as(granted.body()).isEqualTo(201);
    assertThat(json.readTree(granted.body()).get("data").get("balance").asLong()).isEqualTo(150);
  }

  @Test
  @Order(2)
  void aSecondStackOnTheSamePortsFailsFastNamingTheBusyPort() throws Exception {
    Path other = Files.createTempDirectory("emprops-e2e-second-");
    Path output = Files.createTempFile("emprops-e2e-second-", ".out");
    long started = System.nanoTime();
    Process second = RunningStack.run(stack.root, output, "up", "--no-build", "--port-base",
        Integer.toString(stack.portBase), "--data-dir", other.toString());
    assertThat(second.waitFor(60, TimeUnit.SECONDS)).as("second stack exits on its own").isTrue();
    long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started);
    assertThat(second.exitValue()).isNotZero();
    assertThat(RunningStack.read(output)).contains("port already in use: ", "gateway (port " + stack.portBase + ")");
    assertThat(seconds).as("fails fast").isLessThan(60);
  }

  @Test
  @Order(3)
  void sigtermStopsEveryProcessOfTheStack() throws Exception {
    List<ProcessHandle> children = stack.launcher.descendants().toList();
    assertThat(children).as("applications and infrastructure run as child processes").hasSizeGreaterThanOrEqualTo(7);
    long postgres = stack.postgresPid().orElseThrow();

    stack.launcher.destroy(); // SIGTERM
    assertThat(stack.launcher.waitFor(90, TimeUnit.SECONDS)).as("launcher exits after SIGTERM").isTrue();

    for (ProcessHandle child : children) {
      assertThat(child.isAlive()).as("child %d %s", child.pid(), child.info().command().orElse("")).isFalse();
    }
    assertThat(ProcessHandle.of(postgres).map(ProcessHandle::isAlive).orElse(false)).as("postgres").isFalse();
    for (String name : StackLayout.PORT_OFFSETS.keySet()) {
      assertThat(Ports.isFree(stack.port(name))).as("port of %s released", name).isTrue();
    }
    assertThat(stack.log()).contains("Stopped.");
  }

  @Test
  @Order(4)
  void aRestartOnTheSameDataComesUpWithItsData() throws Exception {
    // With the agents when this run takes the trace: TraceEndToEndTest, after this class, takes it
    // on this stack instead of starting one of its own.
    boolean traced = TraceEndToEndTest.enabled();
    stack = traced
        ? RunningStack.start(TraceEndToEndTest.START_TIMEOUT, TraceEndToEndTest.agentEnvironment(), stack.dataDirectory,
            stack.portBase, "--otel-endpoint", shared.traceReceiver().endpoint())
        : RunningStack.start(stack.dataDirectory, stack.portBase);
    shared.restarted(stack, traced);
    System.out.println("LocalStackLifecycleTest: restart" + (traced ? " with --otel" : "") + " ready after "
        + stack.startedIn.toSeconds() + " s");
    String token = RunningStack.runToCompletion(stack.root, Duration.ofMinutes(2),
        "token", PERSISTENT_USER, "user", "--data-dir", stack.dataDirectory.toString())
        .lines().filter(l -> l.startsWith("ey")).reduce((a, b) -> b).orElseThrow();

    HttpResponse<String> balance = http.send(HttpRequest.newBuilder(URI.create(stack.gatewayUrl + "/credits/balance"))
        .timeout(Duration.ofSeconds(20)).header("Authorization", "Bearer " + token).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(balance.statusCode()).as(balance.body()).isEqualTo(200);
    assertThat(json.readTree(balance.body()).get("data").get("balance").asLong()).isEqualTo(150);
  }
}
