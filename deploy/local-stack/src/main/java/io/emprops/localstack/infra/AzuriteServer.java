package io.emprops.localstack.infra;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Azure Blob Storage as Microsoft's local emulator, Azurite (npm {@code azurite}, blob service
 * only), installed on first use into the cache folder like anvil. It checks Shared Key signatures
 * and SAS tokens, so the Azure SDK is exercised for real. Without npm there is no Azurite, and the
 * caller is told why.
 */
public final class AzuriteServer implements InfraComponent {

  /** Azurite's well-known development account (the same in every installation; not a secret). */
  public static final String ACCOUNT_NAME = "devstoreaccount1";
  public static final String ACCOUNT_KEY =
      "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

  private final ChildProcess process;
  private final int port;

  private AzuriteServer(ChildProcess process, int port) {
    this.process = process;
    this.port = port;
  }

  public static AzuriteServer start(int port, Path azuriteBlob, Path dataDirectory, Path logFile) {
    ChildProcess process = ChildProcess.start("azurite", List.of(
            azuriteBlob.toString(), "--blobHost", Ports.LOOPBACK, "--blobPort", Integer.toString(port),
            "--location", dataDirectory.toAbsolutePath().toString(), "--silent", "--disableTelemetry",
            // The Azure SDK may speak a newer service version than this Azurite knows; the blob
            // operations the suite uses are the same in both.
            "--skipApiVersionCheck"),
        Map.of(), logFile.getParent(), logFile);
    try {
      Ports.awaitListening("azurite", port, Duration.ofSeconds(60));
    } catch (RuntimeException e) {
      process.stop(Duration.ofSeconds(2));
      throw new IllegalStateException(e.getMessage() + "\n" + process.logTail(20), e);
    }
    return new AzuriteServer(process, port);
  }

  /**
   * The {@code azurite-blob} launcher, installing the npm package into {@code cacheDirectory} if
   * needed.
   *
   * @return empty, with the reason in {@code whyNot}, when it cannot be had here
   */
  public static Optional<Path> install(Path cacheDirectory, String version, StringBuilder whyNot) {
    Path prefix = cacheDirectory.resolve("azurite-" + version);
    return NpmPackages.install(prefix, "azurite@" + version, prefix.resolve("node_modules/.bin/azurite-blob"), whyNot);
  }

  @Override
  public String name() {
    return "azurite";
  }

  @Override
  public String endpoint() {
    return blobEndpoint();
  }

  /** The blob service of the development account, path-style as Azurite serves it. */
  public String blobEndpoint() {
    return "http://" + Ports.LOOPBACK + ":" + port + "/" + ACCOUNT_NAME;
  }

  public long pid() {
    return process.pid();
  }

  @Override
  public void close() {
    process.stop(Duration.ofSeconds(10));
  }
}
