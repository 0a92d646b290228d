package io.emprops.generator.config;

import java.net.URI;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * How the generator reaches collections-service, which it calls synchronously for
 * {@code POST /api/collections/generate} (the collection's id must be in that answer, and
 * collections-service owns collections).
 *
 * @param url base URL of collections-service (default {@code http://127.0.0.1:8081}, the local
 *     stack's port; the launcher sets it)
 * @param connectTimeout bound on opening a connection: a service that does not accept within it
 *     is down (default 2 s)
 * @param timeout bound on a whole call, from sending to the last byte of the answer (default 10 s)
 */
@ConfigurationProperties("emprops.generator.collections")
public record CollectionsClientProperties(URI url, Duration connectTimeout, Duration timeout) {

  public CollectionsClientProperties {
    url = url == null ? URI.create("http://127.0.0.1:8081") : url;
    connectTimeout = connectTimeout == null ? Duration.ofSeconds(2) : connectTimeout;
    timeout = timeout == null ? Duration.ofSeconds(10) : timeout;
    if (!"http".equals(url.getScheme()) && !"https".equals(url.getScheme())) {
      throw new IllegalArgumentException("emprops.generator.collections.url must be an http(s) URL");
    }
    if (!connectTimeout.isPositive() || !timeout.isPositive()) {
      throw new IllegalArgumentException("emprops.generator.collections timeouts must be positive");
    }
  }
}
