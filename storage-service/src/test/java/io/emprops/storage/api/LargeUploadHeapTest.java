package io.emprops.storage.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.emprops.localstack.infra.Infrastructure;
import io.emprops.localstack.infra.Ports;
import io.emprops.localstack.launcher.App;
import io.emprops.localstack.launcher.AppProperties;
import io.emprops.localstack.testing.SharedInfrastructure;
import io.emprops.storage.StorageApplication;
import io.emprops.storage.support.StorageClient;
import io.emprops.storage.support.StorageClient.Part;
import io.emprops.storage.support.StoreInspector;
import io.emprops.web.identity.CallerIdentity;
import io.emprops.web.testing.GatewayCalls;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * A 1 GiB upload streams through the service: its heap grows by less than 64 MB. The service runs
 * as its own JVM (the test JVM also holds the object store, which receives the gigabyte), with
 * the upload limit raised to 2 GB and a small young generation so that garbage cannot hide in a
 * large eden: growth is the peak of heap in use while uploading minus heap in use after a full
 * collection before it, sampled from its Prometheus endpoint every 100 ms.
 */
class LargeUploadHeapTest {

  private static final long GIB = 1024L * 1024 * 1024;
  private static final long HEAP_GROWTH_LIMIT = 64L * 1024 * 1024;

  private final Infrastructure infra = SharedInfrastructure.get();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private Process service;
  private String baseUrl;
  private String secret;
  private Path log;

  @BeforeEach
  void startService() throws Exception {
    int port = Ports.free();
    Map<String, String> properties = new LinkedHashMap<>(AppProperties.forApp(App.STORAGE, infra));
    properties.put("server.port", Integer.toString(port));
    properties.put("emprops.storage.uploads.max-size", "2GB");
    secret = properties.get("emprops.internal.secret");
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> command = new ArrayList<>(List.of(java, "-Xms256m", "-Xmx256m", "-Xmn16m", "-XX:+UseSerialGC",
        "-cp", System.getProperty("java.class.path"), StorageApplication.class.getName()));
    properties.forEach((key, value) -> command.add("--" + key + "=" + value));
    log = Files.createTempFile("storage-heap-test-", ".log");
    service = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    baseUrl = "http://127.0.0.1:" + port;
    Instant deadline = Instant.now().plusSeconds(180);
    while (!ready()) {
      if (!service.isAlive() || Instant.now().isAfter(deadline)) {
        throw new IllegalStateException("storage-service did not start:\n" + Files.readString(log));
      }
      Thread.sleep(200);
    }
  }

  @AfterEach
  void stopService() throws Exception {
    if (service != null) {
      service.destroy();
      if (!service.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
        service.destroyForcibly();
      }
    }
  }

  @Test
  void aGigabyteUploadStreamsThroughWithAFlatHeap() throws Exception {
    CallerIdentity user = GatewayCalls.user("large-" + UUID.randomUUID());
    StorageClient client = new StorageClient(baseUrl, secret);
    SyntheticVideo video = new SyntheticVideo(GIB);
    List<Part> parts = List.of(new Part("file", "big.mp4", "video/mp4", () -> video, GIB));

    long baseline = heapAfterFullGc();
    AtomicLong peak = new AtomicLong(baseline);
    Thread sampler = Thread.ofPlatform().daemon().start(() -> {
      while (!Thread.currentThread().isInterrupted()) {
        try {
          peak.accumulateAndGet(heapInUse(), Math::max);
          Thread.sleep(100);
        } catch (InterruptedException e) {
          return;
        } catch (Exception e) {
          // a missed sample
        }
      }
    });
    Instant started = Instant.now();
    HttpResponse<String> response = client.upload(user, parts);
    Duration took = Duration.between(started, Instant.now());
    sampler.interrupt();
    sampler.join();

    JsonNode asset = StorageClient.data(response, 201);
    long growth = peak.get() - baseline;
    System.out.printf("1 GiB upload: %.1f s (%.0f MB/s); heap in use after GC before %.1f MB, peak while uploading %.1f MB,"
            + " growth %.1f MB%n", took.toMillis() / 1000.0, GIB / 1e6 / (took.toMillis() / 1000.0), baseline / 1e6,
        peak.get() / 1e6, growth / 1e6);
    assertThat(asset.get("size").longValue()).isEqualTo(GIB);
    assertThat(asset.get("sha256").asString()).isEqualTo(video.sha256());
    assertThat(growth).as("heap growth in bytes").isLessThan(HEAP_GROWTH_LIMIT);

    String key = "uploads/" + user.userId().orElseThrow() + "/" + asset.get("id").asString() + "/big.mp4";
    try (StoreInspector store = new StoreInspector()) {
      assertThat(store.head(key).contentLength()).isEqualTo(GIB);
      assertThat(client.delete("/assets/" + asset.get("id").asString(), user).statusCode()).isEqualTo(204);
      assertThat(store.keys(key)).isEmpty();
    }
  }

  private boolean ready() {
    try {
      return http.send(HttpRequest.newBuilder(URI.create(baseUrl + "/actuator/health/readiness")).build(),
          HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
    } catch (IOException | InterruptedException e) {
      return false;
    }
  }

  private long heapAfterFullGc() throws Exception {
    Path jcmd = Path.of(ProcessHandle.current().info().command().orElseThrow()).resolveSibling("jcmd");
    new ProcessBuilder(jcmd.toString(), Long.toString(service.pid()), "GC.run")
        .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectErrorStream(true).start().waitFor();
    return heapInUse();
  }

  /** {@code jvm_memory_used_bytes{area="heap"}} summed over the heap's pools. */
  private long heapInUse() throws Exception {
    String metrics = http.send(HttpRequest.newBuilder(URI.create(baseUrl + "/actuator/prometheus")).build(),
        HttpResponse.BodyHandlers.ofString()).body();
    return (long) metrics.lines()
        .filter(l -> l.startsWith("jvm_memory_used_bytes{") && l.contains("area=\"heap\""))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
  }

  /** An MP4 header and then a random 64 KiB block over and over, {@code size} bytes, hashed as it is read. */
  static final class SyntheticVideo extends InputStream {

    private static final byte[] FTYP = {0, 0, 0, 0x18, 'f', 't', 'y', 'p', 'i', 's', 'o', 'm', 0, 0, 2, 0,
        'i', 's', 'o', 'm', 'm', 'p', '4', '1'};
    private final long size;
    private final MessageDigest digest;
    private final byte[] block = new byte[64 * 1024];
    private long position;

    SyntheticVideo(long size) throws Exception {
      this.size = size;
      this.digest = MessageDigest.getInstance("SHA-256");
      new java.util.Random(42).nextBytes(block);
    }

    @Override
    public int read() {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) {
      if (position >= size) {
        return -1;
      }
      int within = (int) (position % block.length);
      int n = (int) Math.min(Math.min(length, size - position), block.length - within);
      System.arraycopy(block, within, buffer, offset, n);
      if (position < FTYP.length) {
        int header = (int) Math.min(n, FTYP.length - position);
        System.arraycopy(FTYP, (int) position, buffer, offset, header);
      }
      digest.update(buffer, offset, n);
      position += n;
      return n;
    }

    String sha256() {
      return HexFormat.of().formatHex(digest.digest());
    }
  }
}
