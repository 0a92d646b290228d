package io.emprops.publishing.config;

import io.emprops.publishing.chain.ChainSpec;
import io.emprops.publishing.chain.TransactionSigner;
import io.emprops.publishing.chain.Wei;
import io.emprops.publishing.domain.chains.Chains;
import io.emprops.publishing.domain.mint.MintFollowing;
import io.emprops.publishing.domain.publication.PublicationCheckpoints;
import io.emprops.publishing.domain.publication.PublishingSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The chains and the signer, from {@link PublishingProperties}; refuses a configuration that cannot work. */
@Configuration(proxyBeanMethods = false)
public class PublishingConfiguration {

  @Bean
  Chains chains(PublishingProperties properties) {
    Optional<TransactionSigner> signer = signer(properties);
    List<ChainSpec> specs = new ArrayList<>();
    for (Map.Entry<String, PublishingProperties.Chain> entry : properties.chains().entrySet()) {
      specs.add(spec(entry.getKey(), entry.getValue(), properties, signer.isPresent()));
    }
    return new Chains(specs, signer, properties.rpcTimeout());
  }

  @Bean
  PublishingSettings publishingSettings(PublishingProperties properties) {
    return new PublishingSettings(properties.metadataBaseUrl(), properties.externalBaseUrl(), properties.idleInterval(),
        properties.batchSize());
  }

  @Bean
  MintFollowing mintFollowing(MintFollowingProperties properties) {
    return new MintFollowing(properties.enabled(), properties.pollInterval(), properties.maxBlockRange(),
        properties.blockWindow());
  }

  @Bean
  @ConditionalOnMissingBean
  PublicationCheckpoints publicationCheckpoints() {
    return PublicationCheckpoints.NONE;
  }

  @Bean
  @ConditionalOnMissingBean
  Clock clock() {
    return Clock.systemUTC();
  }

  static Optional<TransactionSigner> signer(PublishingProperties properties) {
    String key = properties.signerKey();
    if ((key == null || key.isBlank()) && properties.signerKeyFile() != null) {
      try {
        key = Files.readString(properties.signerKeyFile()).strip();
      } catch (IOException e) {
        throw new UncheckedIOException("emprops.publishing.signer-key-file: cannot read " + properties.signerKeyFile(), e);
      }
    }
    if (key == null || key.isBlank()) {
      return Optional.empty();
    }
    try {
      return Optional.of(TransactionSigner.of(key));
    } catch (IllegalArgumentException e) {
      // Never echo the key.
      throw new IllegalStateException("emprops.publishing.signer-key: " + e.getMessage());
    }
  }

  static ChainSpec spec(String name, PublishingProperties.Chain c, PublishingProperties properties, boolean hasSigner) {
    String prefix = "emprops.publishing.chains." + name + ".";
    if (c.blockchains() == null || c.blockchains().isEmpty()) {
      throw new IllegalStateException(prefix + "blockchains is required (ETHEREUM, BASE)");
    }
    if (c.chainId() == null) {
      throw new IllegalStateException(prefix + "chain-id is required");
    }
    String disabled = null;
    if (!properties.enabled()) {
      disabled = properties.disabledReason() == null ? "publishing is disabled" : properties.disabledReason();
    } else if (Boolean.FALSE.equals(c.enabled())) {
      disabled = "chain " + name + " is disabled in the configuration";
    } else if (c.rpcUrl() == null) {
      disabled = "no RPC URL configured (" + prefix + "rpc-url)";
    } else if (!hasSigner) {
      disabled = "no signer key configured (emprops.publishing.signer-key or signer-key-file)";
    }
    try {
      return new ChainSpec(name, c.blockchains(), c.network() == null ? name : c.network(), c.chainId(), c.rpcUrl(),
          c.confirmations() == null ? 1 : c.confirmations(),
          Wei.parse(required(c.maxFeePerGas(), prefix + "max-fee-per-gas")),
          Wei.parse(required(c.maxPriorityFeePerGas(), prefix + "max-priority-fee-per-gas")),
          Wei.parse(required(c.maxDeploymentCost(), prefix + "max-deployment-cost")),
          c.pollInterval() == null ? Duration.ofSeconds(1) : c.pollInterval(),
          c.stuckAfter() == null ? Duration.ofSeconds(60) : c.stuckAfter(),
          disabled);
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException(prefix + ": " + e.getMessage(), e);
    }
  }

  private static String required(String value, String property) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(property + " is required");
    }
    return value;
  }
}
