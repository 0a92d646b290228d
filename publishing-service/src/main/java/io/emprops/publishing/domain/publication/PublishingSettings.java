package io.emprops.publishing.domain.publication;

import java.net.URI;
import java.time.Duration;

/**
 * How the saga runs, from configuration ({@code emprops.publishing.*}).
 *
 * @param metadataBaseUrl public base of {@code /metadata/…}, written into each contract
 * @param externalBaseUrl where people see a collection, for ERC-7572's {@code external_link}
 * @param idleInterval how often a chain with nothing in flight looks for work
 * @param batchSize publications moved per chain per round
 */
public record PublishingSettings(URI metadataBaseUrl, URI externalBaseUrl, Duration idleInterval, int batchSize) {}
