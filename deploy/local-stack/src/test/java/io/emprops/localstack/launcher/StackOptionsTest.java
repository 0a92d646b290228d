package io.emprops.localstack.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.emprops.localstack.infra.StackLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the launcher's options ask for, and how a mistyped option is refused. */
class StackOptionsTest {

  @Test
  void withoutOptionsEverythingRunsOnTheDefaultLayout() {
    StackOptions options = StackOptions.parse(List.of());
    assertThat(options.fresh()).isFalse();
    assertThat(options.chain()).isTrue();
    assertThat(options.devWorker()).isTrue();
    assertThat(options.apps()).containsExactlyInAnyOrder(App.values());
    assertThat(options.otel()).isFalse();
  }

  @Test
  void withoutLeavesOutTheNamedApplicationsByModuleOrShortName() {
    StackOptions options = StackOptions.parse(List.of("--without", "publishing-service, credits", "--no-chain",
        "--no-worker", "--fresh"));
    assertThat(options.apps()).doesNotContain(App.PUBLISHING, App.CREDITS).contains(App.GATEWAY, App.GENERATOR);
    assertThat(options.chain()).isFalse();
    assertThat(options.devWorker()).isFalse();
    assertThat(options.fresh()).isTrue();
  }

  @Test
  void portsAndTheChainsBlockTimeAndConfirmationsAreTakenAsGiven() {
    StackOptions options = StackOptions.parse(List.of("--port-base", "20000", "--port", "postgres=25432",
        "--chain-block-time", "0.5", "--chain-confirmations", "6"));
    StackLayout layout = options.layout();
    assertThat(layout.port("gateway")).isEqualTo(20_000);
    assertThat(layout.port("postgres")).isEqualTo(25_432);
    assertThat(options.chainBlockTime()).isEqualTo(Duration.ofMillis(500));
    assertThat(options.chainConfirmations()).isEqualTo(6);
    assertThat(StackOptions.parse(List.of()).chainConfirmations()).isEqualTo(1);
  }

  @Test
  void instancesRunEveryServiceThatManyTimesOnPortsAHundredApartAndTheGatewayOnce() {
    StackOptions options = StackOptions.parse(List.of("--instances", "2", "--port-base", "20000"));
    assertThat(options.instancesOf(App.GENERATOR)).isEqualTo(2);
    assertThat(options.instancesOf(App.GATEWAY)).isEqualTo(1);
    assertThat(StackOptions.parse(List.of()).instancesOf(App.CREDITS)).isEqualTo(1);
    StackLayout layout = options.layout();
    assertThat(layout.port("generator-service", 1)).isEqualTo(20_003);
    assertThat(layout.port("generator-service", 2)).isEqualTo(20_103);
    assertThat(AppProcess.name(App.GENERATOR, 1)).isEqualTo("generator-service");
    assertThat(AppProcess.name(App.GENERATOR, 2)).isEqualTo("generator-service-2");
  }

  @Test
  void mistakesAreRefusedNamingWhatIsWrong() {
    assertThatThrownBy(() -> StackOptions.parse(List.of("--instances", "0"))).hasMessageContaining("--instances takes 1 to");
    assertThatThrownBy(() -> StackOptions.parse(List.of("--instances", "9"))).hasMessageContaining("--instances takes 1 to");
    assertThatThrownBy(() -> StackOptions.parse(List.of("--without", "billing")))
        .hasMessageContaining("no application named billing");
    assertThatThrownBy(() -> StackOptions.parse(List.of("--frsh"))).hasMessageContaining("unknown option --frsh");
    assertThatThrownBy(() -> StackOptions.parse(List.of("--port", "nosuch=1"))).hasMessageContaining("--port takes NAME=N");
    assertThatThrownBy(() -> StackOptions.parse(List.of("--port-base", "80"))).hasMessageContaining("--port-base");
    assertThatThrownBy(() -> StackOptions.parse(List.of("--chain-block-time", "0"))).hasMessageContaining("positive");
    assertThatThrownBy(() -> StackOptions.parse(List.of("--chain-confirmations", "0"))).hasMessageContaining("1 or more");
    assertThatThrownBy(() -> StackOptions.parse(List.of("--data-dir"))).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void freshWipesEverythingInTheDataDirectoryButTheDirectory() throws Exception {
    Path data = Files.createTempDirectory("emprops-fresh-");
    Files.createDirectories(data.resolve("postgres/base"));
    Files.writeString(data.resolve("postgres/base/1"), "rows");
    Files.writeString(data.resolve("secrets.properties"), "k=v");
    StackLayout layout = StackOptions.parse(List.of("--fresh", "--data-dir", data.toString())).layout();

    layout.wipeData();

    assertThat(data).isEmptyDirectory();
  }
}
