package io.emprops.storage.domain.output;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.emprops.web.outbound.HostAllowList;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Fetching outputs over HTTP from a real server on loopback. Loopback is a private address, so
 * these sources allow private addresses; the refusal of private addresses is tested end to end
 * (GenerationOutputsTest) and here.
 */
class OutputSourcesTest {

  private static final long MAX = 1000;

  private HttpServer server;
  private final AtomicInteger requests = new AtomicInteger();
  private final CountDownLatch release = new CountDownLatch(1);
  private String base;

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/image.png", exchange -> {
      requests.incrementAndGet();
      exchange.getResponseHeaders().add("Content-Type", "image/png; charset=binary");
      exchange.sendResponseHeaders(200, 3);
      exchange.getResponseBody().write(new byte[] {1, 2, 3});
      exchange.close();
    });
    server.createContext("/huge", exchange -> {
      requests.incrementAndGet();
      exchange.sendResponseHeaders(200, MAX + 1);
      exchange.getResponseBody().write(new byte[10]);
      exchange.getResponseBody().flush();
      exchange.close();
    });
    server.createContext("/moved", exchange -> {
      requests.incrementAndGet();
      exchange.getResponseHeaders().add("Location", "http://169.254.169.254/latest/meta-data");
      exchange.sendResponseHeaders(302, -1);
      exchange.close();
    });
    server.createContext("/failing", exchange -> {
      requests.incrementAndGet();
      exchange.sendResponseHeaders(503, -1);
      exchange.close();
    });
    server.createContext("/gone", exchange -> {
      requests.incrementAndGet();
      exchange.sendResponseHeaders(404, -1);
      exchange.close();
    });
    server.createContext("/stalls", exchange -> {
      requests.incrementAndGet();
      exchange.sendResponseHeaders(200, 0);
      exchange.getResponseBody().write(new byte[] {1});
      exchange.getResponseBody().flush();
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      exchange.close();
    });
    server.setExecutor(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor());
    server.start();
    base = "http://127.0.0.1:" + server.getAddress().getPort();
  }

  @AfterEach
  void stop() {
    release.countDown();
    server.stop(0);
  }

  @Test
  void anAllowListedHostIsFetchedAndItsTypeDeclared() throws IOException {
    try (OutputSources sources = sources(true); OutputContent content = sources.open(base + "/image.png")) {
      assertThat(content.content().readAllBytes()).containsExactly(1, 2, 3);
      assertThat(content.declaredType()).isEqualTo("image/png");
    }
  }

  @Test
  void privateAddressesAndHostsOffTheListAreRefusedWithoutARequest() {
    try (OutputSources strict = sources(false); OutputSources open = sources(true)) {
      assertThatThrownBy(() -> strict.open(base + "/image.png")).isInstanceOf(OutputRefused.class)
          .hasMessageContaining("private or reserved address");
      assertThatThrownBy(() -> open.open("http://localhost:" + server.getAddress().getPort() + "/image.png"))
          .isInstanceOf(OutputRefused.class).hasMessageContaining("not on the output allow-list");
      assertThatThrownBy(() -> open.open("ftp://127.0.0.1/image.png")).isInstanceOf(OutputRefused.class);
      assertThatThrownBy(() -> open.open("http://user:secret@127.0.0.1/image.png")).isInstanceOf(OutputRefused.class);
      assertThat(requests).hasValue(0);
    }
  }

  @Test
  void redirectsTooLargeAndMissingOutputsAreRefusedAndFailuresRetryable() {
    try (OutputSources sources = sources(true)) {
      assertThatThrownBy(() -> sources.open(base + "/moved")).isInstanceOf(OutputRefused.class)
          .hasMessageContaining("redirects are not followed");
      assertThatThrownBy(() -> sources.open(base + "/huge")).isInstanceOf(OutputRefused.class)
          .hasMessageContaining("larger than 1000 bytes");
      assertThatThrownBy(() -> sources.open(base + "/gone")).isInstanceOf(OutputRefused.class)
          .hasMessageContaining("HTTP 404");
      assertThatThrownBy(() -> sources.open(base + "/failing")).isInstanceOf(IOException.class)
          .hasMessageContaining("HTTP 503");
    }
  }

  @Test
  void aBodyThatStallsIsCutAtTheTimeout() throws IOException {
    try (OutputSources sources = sources(true); OutputContent content = sources.open(base + "/stalls")) {
      InputStream body = content.content();
      assertThat(body.read()).isEqualTo(1);
      assertThatThrownBy(body::read).isInstanceOf(IOException.class).hasMessageContaining("took longer than");
    }
  }

  @Test
  void dataUrlsAreDecodedInPlace() throws IOException {
    try (OutputSources sources = sources(false)) {
      try (OutputContent base64 = sources.open("data:image/png;base64,AQID")) {
        assertThat(base64.content().readAllBytes()).containsExactly(1, 2, 3);
        assertThat(base64.declaredType()).isEqualTo("image/png");
      }
      try (OutputContent text = sources.open("data:,hello%20world")) {
        assertThat(new String(text.content().readAllBytes())).isEqualTo("hello world");
        assertThat(text.declaredType()).isNull();
      }
      assertThatThrownBy(() -> sources.open("data:image/png;base64," + "A".repeat(2000)))
          .isInstanceOf(OutputRefused.class).hasMessageContaining("larger than");
      assertThatThrownBy(() -> sources.open("data:image/png;base64")).isInstanceOf(OutputRefused.class);
    }
  }

  private static OutputSources sources(boolean allowPrivate) {
    return new OutputSources(new OutputPolicy(HostAllowList.of("test", List.of("127.0.0.1")), allowPrivate,
        Duration.ofMillis(700), MAX, 1, Duration.ZERO, Duration.ZERO, Duration.ofSeconds(1)));
  }
}
