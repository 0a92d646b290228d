package io.emprops.localstack.infra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Where everything of one stack lives: its ports (one block from a base port, each overridable)
 * and its folders (data, logs, the tool cache).
 *
 * @param persistent whether data survives the stack (the launcher) or is thrown away (tests)
 * @param fresh whether to wipe persistent data before starting
 */
public record StackLayout(
    Map<String, Integer> ports, Path dataDirectory, Path cacheDirectory, boolean persistent, boolean fresh) {

  public static final int DEFAULT_PORT_BASE = 8080;

  /** Offsets from the port base; the applications come first, infrastructure after. */
  public static final Map<String, Integer> PORT_OFFSETS = orderedMap(
      "gateway", 0,
      "collections-service", 1,
      "credits-service", 2,
      "generator-service", 3,
      "publishing-service", 4,
      "storage-service", 5,
      "webhooks-service", 6,
      "dev-issuer", 9,
      "postgres", 10,
      "kafka", 11,
      "kafka-controller", 12,
      "redis", 13,
      "s3", 14,
      "chain", 15);
  public static final int PORT_BLOCK = 16;
  /** How far a further instance of an application is from the first ({@code ./run --instances}). */
  public static final int INSTANCE_PORT_STEP = 100;

  public StackLayout {
    // Layout order (applications first), so messages listing ports read in a stable order.
    ports = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(ports));
  }

  public static StackLayout fromBase(
      int base, Map<String, Integer> overrides, Path dataDirectory, Path cacheDirectory,
      boolean persistent, boolean fresh) {
    Map<String, Integer> ports = new LinkedHashMap<>();
    PORT_OFFSETS.forEach((name, offset) -> ports.put(name, overrides.getOrDefault(name, base + offset)));
    return new StackLayout(ports, dataDirectory, cacheDirectory, persistent, fresh);
  }

  /** A throwaway layout on a free port block and a temporary folder, for one test JVM. */
  public static StackLayout forTests() {
    try {
      Path data = Files.createTempDirectory("emprops-test-");
      // Spread test JVMs over the range so that parallel ones rarely probe the same block; all
      // below Linux's ephemeral ports (32768 up), which any outgoing connection may take between
      // the probe and the bind.
      int base = Ports.freeBlock(20_000 + (int) (ProcessHandle.current().pid() % 700) * PORT_BLOCK,
          PORT_BLOCK);
      return fromBase(base, Map.of(), data, defaultCacheDirectory(), false, true);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static Path defaultCacheDirectory() {
    String configured = System.getenv("EMPROPS_CACHE_DIR");
    if (configured != null && !configured.isBlank()) {
      return Path.of(configured);
    }
    return Path.of(System.getProperty("user.home"), ".cache", "emprops");
  }

  /**
   * The port of instance {@code instance} (from 1) of application {@code name}: the first has the
   * application's own port, instance k that port + {@value #INSTANCE_PORT_STEP}·(k − 1).
   */
  public int port(String name, int instance) {
    if (instance < 1) {
      throw new IllegalArgumentException("instances count from 1: " + instance);
    }
    return port(name) + INSTANCE_PORT_STEP * (instance - 1);
  }

  public int port(String name) {
    Integer port = ports.get(name);
    if (port == null) {
      throw new IllegalArgumentException("no port named " + name);
    }
    return port;
  }

  public Path data(String component) {
    return dataDirectory.resolve(component);
  }

  public Path logs() {
    return dataDirectory.resolve("logs");
  }

  /** Deletes everything under the data folder except the folder itself. */
  public void wipeData() {
    if (!Files.exists(dataDirectory)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dataDirectory)) {
      paths.sorted(Comparator.reverseOrder())
          .filter(p -> !p.equals(dataDirectory))
          .forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot wipe " + dataDirectory, e);
    }
  }

  private static Map<String, Integer> orderedMap(Object... pairs) {
    Map<String, Integer> map = new LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      map.put((String) pairs[i], (Integer) pairs[i + 1]);
    }
    return java.util.Collections.unmodifiableMap(map);
  }
}
