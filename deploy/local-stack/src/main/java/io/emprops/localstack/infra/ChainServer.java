package io.emprops.localstack.infra;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A local EVM chain: anvil, from the npm package {@code @foundry-rs/anvil}, installed on first use
 * into a cache folder. Without npm there is no chain, and the caller is told why.
 *
 * <p>With a state file, anvil loads its chain from it at start and saves it there every second
 * and on a clean exit: a chain killed ({@code kill -9}) and {@link #restart restarted} comes back
 * at most about a second of blocks behind, which to its clients is a shallow reorganisation.
 */
public final class ChainServer implements InfraComponent {

  public static final long CHAIN_ID = 31337;
  /** anvil's first default account: a well-known development key that holds test ether only. */
  public static final String DEV_PRIVATE_KEY =
      "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";

  /** How often anvil saves its chain to the state file: what a crash can lose, at most. */
  static final int STATE_INTERVAL_SECONDS = 1;

  private volatile ChildProcess process;
  private final int port;
  private final List<String> command;
  private final Path logFile;

  private ChainServer(ChildProcess process, int port, List<String> command, Path logFile) {
    this.process = process;
    this.port = port;
    this.command = command;
    this.logFile = logFile;
  }

  /** The well-known keys of anvil's dev accounts 1 and 2 (account 0 is {@link #DEV_PRIVATE_KEY}): test ether only. */
  public static final List<String> DEV_ACCOUNT_KEYS = List.of(DEV_PRIVATE_KEY,
      "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d",
      "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a");

  private static final HttpClient HTTP = HttpClient.newHttpClient();

  /**
   * @param stateFile where anvil keeps its chain between runs, or null for a fresh chain
   */
  public static ChainServer start(int port, Path anvil, Path stateFile, Path logFile) {
    return start(port, anvil, stateFile, logFile, Options.DEFAULT);
  }

  /**
   * How a chain mines.
   *
   * @param blockTime a block every this often (empty blocks too); null: one block per transaction
   * @param blockGasLimit null: anvil's default (30 M)
   */
  public record Options(Duration blockTime, Long blockGasLimit) {
    public static final Options DEFAULT = new Options(null, null);

    public static Options blockTime(Duration blockTime) {
      return new Options(blockTime, null);
    }
  }

  public static ChainServer start(int port, Path anvil, Path stateFile, Path logFile, Options options) {
    List<String> command = new ArrayList<>(List.of(
        anvil.toString(), "--host", Ports.LOOPBACK, "--port", Integer.toString(port),
        "--chain-id", Long.toString(CHAIN_ID), "--silent"));
    if (stateFile != null) {
      command.addAll(List.of("--state", stateFile.toAbsolutePath().toString(),
          "--state-interval", Integer.toString(STATE_INTERVAL_SECONDS)));
    }
    if (options.blockTime() != null) {
      command.addAll(List.of("--block-time", Double.toString(options.blockTime().toMillis() / 1000.0)));
    }
    if (options.blockGasLimit() != null) {
      command.addAll(List.of("--gas-limit", Long.toString(options.blockGasLimit())));
    }
    return new ChainServer(launch(command, port, logFile), port, List.copyOf(command), logFile);
  }

  private static ChildProcess launch(List<String> command, int port, Path logFile) {
    ChildProcess process = ChildProcess.start("anvil", command, Map.of(), logFile.getParent(), logFile);
    try {
      Ports.awaitListening("anvil", port, Duration.ofSeconds(30));
    } catch (RuntimeException e) {
      process.stop(Duration.ofSeconds(2));
      throw new IllegalStateException(e.getMessage() + "\n" + process.logTail(20), e);
    }
    return process;
  }

  /** anvil's process while it runs. */
  public Optional<ProcessHandle> process() {
    ChildProcess current = process;
    return current.isAlive() ? ProcessHandle.of(current.pid()) : Optional.empty();
  }

  /**
   * Starts anvil again after it died, with the same options: from its state file, when it has
   * one (the chain as last saved), else an empty chain.
   */
  public synchronized void restart() {
    if (process.isAlive()) {
      return;
    }
    process = launch(command, port, logFile);
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

  public int port() {
    return port;
  }

  // ---- test controls (anvil's own RPC methods) ------------------------------------------------

  /** Mines {@code blocks} blocks now ({@code anvil_mine}). */
  public void mine(int blocks) {
    rpc("anvil_mine", "[\"0x" + Integer.toHexString(blocks) + "\"]");
  }

  /** Replaces the last {@code depth} blocks with as many empty ones ({@code anvil_reorg}). */
  public void reorg(int depth) {
    rpc("anvil_reorg", "[" + depth + ", []]");
  }

  /** One block per transaction (true) or none until {@link #mine} (false, no interval either). */
  public void automine(boolean on) {
    rpc("evm_setAutomine", "[" + on + "]");
    if (!on) {
      rpc("evm_setIntervalMining", "[0]");
    }
  }

  public void nextBlockBaseFee(java.math.BigInteger wei) {
    rpc("anvil_setNextBlockBaseFeePerGas", "[\"0x" + wei.toString(16) + "\"]");
  }

  /**
   * One JSON-RPC call; the whole response body, which carries {@code result} or {@code error}.
   *
   * @param params the JSON array of parameters
   */
  public String rpc(String method, String params) {
    String body = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"" + method + "\",\"params\":" + params + "}";
    try {
      HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(rpcUrl()))
              .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
          HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200 || response.body().contains("\"error\"")) {
        throw new IllegalStateException(method + " failed: " + response.body());
      }
      return response.body();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(method + " failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  @Override
  public void close() {
    process.stop(Duration.ofSeconds(10));
  }
}
