package io.emprops.localstack.infra;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A local EVM chain: anvil, from the npm package {@code @foundry-rs/anvil}, installed on first use
 * into a cache folder. Without npm there is no chain, and the caller is told why.
 */
public final class ChainServer implements InfraComponent {

  public static final long CHAIN_ID = 31337;
  /** anvil's first default account: a well-known development key that holds test ether only. */
  public static final String DEV_PRIVATE_KEY =
      "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";

  private final ChildProcess process;
  private final int port;

  private ChainServer(ChildProcess process, int port) {
    this.process = process;
    this.port = port;
  }

  /**
   * @param stateFile where anvil keeps its chain between runs, or null for a fresh chain
   */
  public static ChainServer start(int port, Path anvil, Path stateFile, Path logFile) {
    List<String> command = new ArrayList<>(List.of(
        anvil.toString(), "--host", Ports.LOOPBACK, "--port", Integer.toString(port),
        "--chain-id", Long.toString(CHAIN_ID), "--silent"));
    if (stateFile != null) {
      command.addAll(List.of("--state", stateFile.toAbsolutePath().toString()));
    }
    ChildProcess process = ChildProcess.start("anvil", command, Map.of(),
        logFile.getParent(), logFile);
    try {
      Ports.awaitListening("anvil", port, Duration.ofSeconds(30));
    } catch (RuntimeException e) {
      process.stop(Duration.ofSeconds(2));
      throw new IllegalStateException(e.getMessage() + "\n" + process.logTail(20), e);
    }
    return new ChainServer(process, port);
  }

  /**
   * The anvil binary, installing the npm package into {@code cacheDirectory} if needed.
   *
   * @return empty, with the reason in {@code whyNot}, when it cannot be had here
   */
  public static Optional<Path> installAnvil(Path cacheDirectory, String version, StringBuilder whyNot) {
    String platform = platformPackage();
    if (platform == null) {
      whyNot.append("anvil has no npm build for ").append(System.getProperty("os.arch"));
      return Optional.empty();
    }
    Path prefix = cacheDirectory.resolve("anvil-" + version);
    return NpmPackages.install(prefix, "@foundry-rs/anvil@" + version,
        prefix.resolve("node_modules/@foundry-rs/" + platform + "/bin/anvil"), whyNot);
  }

  private static String platformPackage() {
    String os = System.getProperty("os.name").toLowerCase();
    String arch = System.getProperty("os.arch");
    String cpu = switch (arch) {
      case "amd64", "x86_64" -> "amd64";
      case "aarch64", "arm64" -> "arm64";
      default -> null;
    };
    if (cpu == null) {
      return null;
    }
    if (os.contains("linux")) {
      return "anvil-linux-" + cpu;
    }
    if (os.contains("mac")) {
      return "anvil-darwin-" + cpu;
    }
    return null;
  }

  @Override
  public String name() {
    return "chain";
  }

  @Override
  public String endpoint() {
    return rpcUrl();
  }

  public String rpcUrl() {
    return "http://" + Ports.LOOPBACK + ":" + port;
  }

  public long pid() {
    return process.pid();
  }

  @Override
  public void close() {
    process.stop(Duration.ofSeconds(10));
  }
}
