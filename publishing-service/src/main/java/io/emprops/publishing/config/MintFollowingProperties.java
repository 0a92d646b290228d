package io.emprops.publishing.config;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code emprops.publishing.mints.*}: how the chain follower reads mints of published collections.
 *
 * @param enabled false: no chain is followed (no {@code TokenMinted} from this instance)
 * @param pollInterval how often a chain is read when the follower has caught up (default 2 s)
 * @param maxBlockRange the most blocks one round reads from a chain ({@code eth_getLogs} range and
 *     block headers per call; default 100)
 * @param blockWindow how many applied block hashes are kept per chain, behind the cursor, to find
 *     the common ancestor after a reorganisation deeper than the confirmation depth (default 256)
 */
@ConfigurationProperties("emprops.publishing.mints")
public record MintFollowingProperties(Boolean enabled, Duration pollInterval, Integer maxBlockRange,
    Integer blockWindow) {

  public MintFollowingProperties {
    enabled = enabled == null || enabled;
    pollInterval = pollInterval == null ? Duration.ofSeconds(2) : pollInterval;
    maxBlockRange = maxBlockRange == null ? 100 : maxBlockRange;
    blockWindow = blockWindow == null ? 256 : blockWindow;
    if (maxBlockRange < 1) {
      throw new IllegalStateException("emprops.publishing.mints.max-block-range must be at least 1");
    }
    if (blockWindow < 1) {
      throw new IllegalStateException("emprops.publishing.mints.block-window must be at least 1");
    }
  }
}
