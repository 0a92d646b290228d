package io.emprops.localstack.infra;

import static org.assertj.core.api.Assertions.assertThat;

import io.emprops.localstack.launcher.AppProperties;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code ./run --no-chain}: asking for the chain afterwards must not start one. */
class ChainLeftOutTest {

  @Test
  void aStackWithoutTheChainStartsNoneWhenPublishingAsksForItAndSaysWhy() throws Exception {
    Path data = Files.createTempDirectory("emprops-no-chain-");
    StackLayout layout = StackLayout.fromBase(Ports.freeBlock(32_600, StackLayout.PORT_BLOCK), Map.of(),
        data, StackLayout.defaultCacheDirectory(), false, true);
    try (Infrastructure infra = new Infrastructure(layout, Secrets.ephemeral())) {
      infra.leaveOutChain();

      Map<String, String> publishing = AppProperties.chain(infra);

      assertThat(infra.chain()).isEmpty();
      assertThat(publishing).containsEntry("emprops.publishing.enabled", "false");
      assertThat(publishing.get("emprops.publishing.disabled-reason")).contains("--no-chain");
      assertThat(Ports.isFree(layout.port("chain"))).as("nothing listens on the chain's port").isTrue();
      assertThat(Files.exists(layout.logs().resolve("anvil.log"))).as("anvil never ran").isFalse();
    }
  }
}
