package io.emprops.storage.objectstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.emprops.storage.domain.objects.ObjectInfo;
import io.emprops.storage.domain.objects.ObjectStore;
import io.emprops.storage.domain.objects.ObjectStoreException;
import io.emprops.storage.domain.objects.ObjectWrite;
import io.emprops.storage.domain.objects.PartBuffers;
import io.emprops.storage.domain.objects.PartedUploads;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link ObjectStore} implementation must do, run against a real store of its kind
 * (s3proxy, Azurite). Parts are the smallest S3 allows (5 MiB), so multipart paths run with
 * objects of a few parts.
 */
abstract class ObjectStoreContract {

  static final int PART = 5 * 1024 * 1024;
  static final String CACHE_CONTROL = "public, max-age=31536000, immutable";

  private final HttpClient http = HttpClient.newHttpClient();
  protected PartedUploads uploads;
  protected ObjectStore store;
  protected String prefix;

  /** A store of this kind, writing through {@code uploads}. */
  protected abstract ObjectStore createStore(PartedUploads uploads);

  /** A store of this kind whose bucket or container does not exist. */
  protected abstract ObjectStore createStoreWithoutContainer(PartedUploads uploads);

  @BeforeEach
  void openStore() {
    uploads = new PartedUploads(new PartBuffers(PART, 4));
    store = createStore(uploads);
    prefix = "contract/" + UUID.randomUUID() + "/";
  }

  @AfterEach
  void closeStore() throws Exception {
    if (store instanceof AutoCloseable closeable) {
      closeable.close();
    }
    uploads.close();
  }

  @Test
  void aSmallObjectIsStoredWithItsTypeAndCachingAndReadBack() throws Exception {
    byte[] content = random(1000, 1);
    String key = prefix + "small.png";

    assertThat(store.write(new ObjectWrite(key, "image/png", CACHE_CONTROL), new ByteArrayInputStream(content)))
        .isEqualTo(1000);

    ObjectInfo info = store.find(key).orElseThrow();
    assertThat(info.size()).isEqualTo(1000);
    assertThat(info.contentType()).isEqualTo("image/png");
    assertThat(info.cacheControl()).isEqualTo(CACHE_CONTROL);
    assertThat(readAll(key)).isEqualTo(content);
    assertThat(store.location(key).toString()).endsWith("/" + key);
  }

  @Test
  void anEmptyObjectIsAnObject() throws Exception {
    String key = prefix + "empty.bin";
    assertThat(store.write(new ObjectWrite(key, "application/octet-stream", CACHE_CONTROL), InputStream.nullInputStream()))
        .isZero();
    assertThat(store.find(key).orElseThrow().size()).isZero();
  }

  @Test
  void contentLargerThanAPartIsWrittenInPartsAndReadBackIdentical() throws Exception {
    for (int size : new int[] {PART, 2 * PART + PART / 2, 3 * PART}) {
      byte[] content = random(size, size);
      String key = prefix + "large-" + size + ".bin";
      assertThat(store.write(new ObjectWrite(key, "video/mp4", CACHE_CONTROL), new ByteArrayInputStream(content)))
          .isEqualTo(size);
      assertThat(store.find(key).orElseThrow().size()).as("size of %d bytes", size).isEqualTo(size);
      assertThat(sha256(store.read(key))).as("content of %d bytes", size).isEqualTo(sha256(new ByteArrayInputStream(content)));
    }
  }

  @Test
  void contentThatFailsMidwayLeavesNothingUnderTheKey() {
    String key = prefix + "cut-off.bin";
    InputStream failing = new FailingAfter(new ByteArrayInputStream(random(3 * PART, 3)), 2 * PART + 100);

    assertThatThrownBy(() -> store.write(new ObjectWrite(key, "video/mp4", CACHE_CONTROL), failing))
        .isInstanceOf(IOException.class).hasMessage("connection reset by the test");

    assertThat(store.find(key)).isEmpty();
    assertThat(uploads.buffers().inUse()).as("buffers returned").isZero();
  }

  @Test
  void writingAKeyAgainReplacesItsContent() throws Exception {
    String key = prefix + "again.bin";
    store.write(new ObjectWrite(key, "image/png", CACHE_CONTROL), new ByteArrayInputStream(random(100, 4)));
    byte[] second = random(200, 5);
    store.write(new ObjectWrite(key, "image/png", CACHE_CONTROL), new ByteArrayInputStream(second));
    assertThat(readAll(key)).isEqualTo(second);
  }

  @Test
  void deletingRemovesTheObjectAndDeletingAgainSucceeds() throws Exception {
    String key = prefix + "deleted.png";
    store.write(new ObjectWrite(key, "image/png", CACHE_CONTROL), new ByteArrayInputStream(random(10, 6)));
    store.delete(key);
    assertThat(store.find(key)).isEmpty();
    store.delete(key);
    assertThat(store.find(key)).isEmpty();
    assertThatThrownBy(() -> store.read(key).close()).isInstanceOf(ObjectStoreException.class);
  }

  @Test
  void aDownloadUrlServesTheContentAsANamedAttachmentAndOnlyAsSigned() throws Exception {
    byte[] content = random(4096, 7);
    String key = prefix + "download.png";
    store.write(new ObjectWrite(key, "image/png", CACHE_CONTROL), new ByteArrayInputStream(content));

    URI url = store.presignedDownload(key, "sunset at sea.png", Duration.ofMinutes(2));
    HttpResponse<byte[]> download = http.send(HttpRequest.newBuilder(url).build(), HttpResponse.BodyHandlers.ofByteArray());
    assertThat(download.statusCode()).isEqualTo(200);
    assertThat(download.body()).isEqualTo(content);
    assertThat(download.headers().firstValue("Content-Disposition").orElseThrow())
        .startsWith("attachment").contains("sunset");

    String query = url.getRawQuery();
    URI tampered = URI.create(url.toString().replace(query, query.replaceAll("(?i)(sig(nature)?=)[^&]+", "$1AAAA")));
    assertThat(tampered).isNotEqualTo(url);
    assertThat(http.send(HttpRequest.newBuilder(tampered).build(), HttpResponse.BodyHandlers.discarding()).statusCode())
        .isEqualTo(403);
  }

  @Test
  void writesShareTheBuffersAndWaitForOneWhenAllAreInUse() throws Exception {
    PartedUploads scarce = new PartedUploads(new PartBuffers(PART, 2));
    ObjectStore limited = createStore(scarce);
    List<Callable<String>> writes = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      int seed = 100 + i;
      String key = prefix + "concurrent-" + i;
      writes.add(() -> {
        byte[] content = random(2 * PART + 1, seed);
        limited.write(new ObjectWrite(key, "video/mp4", CACHE_CONTROL), new ByteArrayInputStream(content));
        return sha256(limited.read(key)).equals(sha256(new ByteArrayInputStream(content))) ? "ok" : "differs";
      });
    }
    try (ExecutorService pool = Executors.newFixedThreadPool(4)) {
      for (Future<String> result : pool.invokeAll(writes)) {
        assertThat(result.get()).isEqualTo("ok");
      }
    } finally {
      if (limited instanceof AutoCloseable closeable) {
        closeable.close();
      }
      scarce.close();
    }
    assertThat(scarce.buffers().inUse()).isZero();
  }

  @Test
  void theContainerIsCheckedAndAMissingObjectIsAbsent() {
    store.checkReachable();
    assertThat(store.find(prefix + "never-written")).isEmpty();
    assertThatThrownBy(() -> store.read(prefix + "never-written").close()).isInstanceOf(ObjectStoreException.class);

    ObjectStore missing = createStoreWithoutContainer(uploads);
    assertThatThrownBy(missing::checkReachable).isInstanceOf(ObjectStoreException.class);
  }

  @Test
  void itsReadinessComponentIsUpAndDownWhenItsContainerIsMissing() {
    var up = new io.emprops.storage.config.ObjectStoreHealthIndicator(store).health();
    assertThat(up.getStatus()).isEqualTo(org.springframework.boot.health.contributor.Status.UP);
    var down = new io.emprops.storage.config.ObjectStoreHealthIndicator(createStoreWithoutContainer(uploads)).health();
    assertThat(down.getStatus()).isEqualTo(org.springframework.boot.health.contributor.Status.DOWN);
    assertThat(down.getDetails()).containsKey("error");
  }

  protected byte[] readAll(String key) throws IOException {
    try (InputStream in = store.read(key)) {
      return in.readAllBytes();
    }
  }

  static byte[] random(int size, long seed) {
    byte[] bytes = new byte[size];
    new Random(seed).nextBytes(bytes);
    return bytes;
  }

  static String sha256(InputStream in) throws Exception {
    MessageDigest digest = MessageDigest.getInstance("SHA-256");
    try (in) {
      byte[] buffer = new byte[64 * 1024];
      for (int n; (n = in.read(buffer)) > 0; ) {
        digest.update(buffer, 0, n);
      }
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  /** Content whose source fails after {@code failAt} bytes, as a client connection that drops. */
  static final class FailingAfter extends java.io.FilterInputStream {
    private final long failAt;
    private long read;

    FailingAfter(InputStream in, long failAt) {
      super(in);
      this.failAt = failAt;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (read >= failAt) {
        throw new IOException("connection reset by the test");
      }
      int n = super.read(b, off, (int) Math.min(len, failAt - read));
      read += Math.max(n, 0);
      return n;
    }
  }
}
