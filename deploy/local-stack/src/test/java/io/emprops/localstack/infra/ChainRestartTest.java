package io.emprops.localstack.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A chain of its own (it is killed), as the launcher's supervisor restarts it after a {@code kill
 * -9} in a chaos run: anvil comes back with the chain it last saved, not an empty one.
 */
class ChainRestartTest {

  @Test
  void aKilledChainIsStartedAgainWithTheBlocksItHadSaved() throws Exception {
    StringBuilder whyNot = new StringBuilder();
    var anvil = ChainServer.installAnvil(StackLayout.defaultCacheDirectory(),
        Infrastructure.npmVersion("anvil.version"), whyNot);
    assumeTrue(anvil.isPresent(), () -> "no chain here: " + whyNot);
    Path data = Files.createTempDirectory("emprops-chain-restart-");
    Path state = data.resolve("state.json");
    try (ChainServer chain = ChainServer.start(Ports.free(), anvil.get(), state, data.resolve("anvil.log"))) {
      chain.mine(5);
      FileTime mined = FileTime.fromMillis(System.currentTimeMillis());
      // Saved every second: wait for a save after the blocks were mined.
      await("a save of the mined blocks").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
          .until(() -> Files.exists(state) && Files.getLastModifiedTime(state).compareTo(mined) > 0);
      ProcessHandle killed = chain.process().orElseThrow();

      killed.destroyForcibly();
      killed.onExit().get(10, TimeUnit.SECONDS);
      assertThat(chain.process()).as("a dead anvil is seen as not running").isEmpty();
      chain.restart();

      assertThat(chain.process()).hasValueSatisfying(p -> assertThat(p.pid()).isNotEqualTo(killed.pid()));
      assertThat(chain.rpc("eth_blockNumber", "[]")).as("the five blocks mined before the save")
          .contains("\"result\":\"0x5\"");
    }
  }
}
