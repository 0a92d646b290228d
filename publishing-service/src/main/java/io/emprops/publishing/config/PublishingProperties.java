package io.emprops.publishing.config;

import io.emprops.events.contract.Blockchain;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code emprops.publishing.*}: the chains collections are published on and the key that signs.
 *
 * @param enabled false turns every chain off, with {@code disabledReason} (the local stack without npm)
 * @param signerKey the deployment key, hex; or {@code signerKeyFile}, a file holding it (a mounted secret)
 * @param metadataBaseUrl the public URL the contracts' {@code tokenURI}/{@code contractURI} point at
 *     (the gateway: {@code <base>/metadata/<collection id>/…})
 * @param externalBaseUrl where people see a collection ({@code <base>/collections/<id>}), for
 *     ERC-7572's {@code external_link}
 * @param rpcTimeout how long one RPC call may take
 * @param idleInterval how often a chain with nothing in flight looks for work another instance accepted
 * @param batchSize publications prepared per chain per round
 */
@ConfigurationProperties("emprops.publishing")
public record PublishingProperties(
    Boolean enabled,
    String disabledReason,
    String signerKey,
    Path signerKeyFile,
    URI metadataBaseUrl,
    URI externalBaseUrl,
    Map<String, Chain> chains,
    Duration rpcTimeout,
    Duration idleInterval,
    Integer batchSize) {

  public PublishingProperties {
    enabled = enabled == null || enabled;
    metadataBaseUrl = metadataBaseUrl == null ? URI.create("http://127.0.0.1:8080") : metadataBaseUrl;
    externalBaseUrl = externalBaseUrl == null ? metadataBaseUrl : externalBaseUrl;
    chains = chains == null ? Map.of() : new TreeMap<>(chains);
    rpcTimeout = rpcTimeout == null ? Duration.ofSeconds(10) : rpcTimeout;
    idleInterval = idleInterval == null ? Duration.ofSeconds(1) : idleInterval;
    batchSize = batchSize == null ? 100 : batchSize;
  }

  /**
   * One EVM network ({@code emprops.publishing.chains.<name>.*}). Amounts take a unit:
   * {@code 30 gwei}, {@code 0.05 ether}, or plain wei.
   *
   * @param enabled false keeps a configured chain off; a chain without {@code rpcUrl} is off anyway
   * @param confirmations blocks, counting the one holding the deployment, before it counts (default 1)
   * @param maxFeePerGas EIP-1559 fee cap per gas
   * @param maxPriorityFeePerGas tip cap per gas
   * @param maxDeploymentCost the most one deployment may cost at the fees of the moment
   * @param pollInterval how often the chain is read while publications are in flight (default 1 s)
   * @param stuckAfter an unmined transaction is replaced with higher fees after this (default 60 s)
   */
  public record Chain(
      Set<Blockchain> blockchains,
      String network,
      Long chainId,
      URI rpcUrl,
      Boolean enabled,
      Integer confirmations,
      String maxFeePerGas,
      String maxPriorityFeePerGas,
      String maxDeploymentCost,
      Duration pollInterval,
      Duration stuckAfter) {}
}
