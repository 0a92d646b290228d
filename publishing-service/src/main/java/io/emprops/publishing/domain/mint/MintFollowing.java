package io.emprops.publishing.domain.mint;

import java.time.Duration;

/**
 * How the chain followers run, from configuration ({@code emprops.publishing.mints.*}).
 *
 * @param enabled false: no follower runs on this instance
 * @param pollInterval the pause between rounds of a chain that has caught up
 * @param maxBlockRange the most blocks a round reads
 * @param blockWindow applied block hashes kept per chain behind the cursor
 */
public record MintFollowing(boolean enabled, Duration pollInterval, int maxBlockRange, int blockWindow) {}
