package io.emprops.generator.bench;

import com.sun.net.httpserver.HttpServer;
import io.emprops.web.testing.Images;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.Executors;

/**
 * Where the benchmark's worker keeps its images, as a real worker keeps them on its own storage and
 * reports their {@code image_url}: one PNG served at any path on loopback. storage-service fetches
 * it from here, so the bridge's figures include a real ingestion (fetch, store, {@code AssetStored}).
 */
final class ImageHost implements AutoCloseable {

  private final byte[] png;
  private final HttpServer server;

  /** A {@code side}×{@code side} PNG of noise (it does not compress: close to a real image's size). */
  ImageHost(int side) throws IOException {
    this.png = Images.noisePng(side, 13);
    this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
    server.createContext("/", exchange -> {
      try (exchange) {
        exchange.getResponseHeaders().set("Content-Type", "image/png");
        exchange.sendResponseHeaders(200, png.length);
        exchange.getResponseBody().write(png);
      }
    });
    server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    server.start();
  }

  /** The URL of one image (every path serves the same bytes). */
  String url(String name) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/" + name + ".png";
  }

  int size() {
    return png.length;
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
