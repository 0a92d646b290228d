package io.emprops.generator.domain.fetch;

import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Outbound HTTP for {@code fetch_api} workflows. Workflow authors choose the URL, so the service
 * only calls hosts an operator listed and, by default, only public addresses.
 *
 * @param allowedHosts hosts that may be called: {@code api.openai.com} (that host), {@code
 *     *.example.com} (any subdomain, not {@code example.com} itself), either optionally with
 *     {@code :port} to allow only that port; case-insensitive. Empty (the default) refuses every fetch.
 * @param timeout bound on a whole call: connecting, sending and reading the response (default 30 s)
 * @param maxResponseBytes a larger response fails the call (default 5 MiB)
 * @param allowPrivateAddresses whether hosts may resolve to loopback, private, link-local and other
 *     non-public addresses; only for tests and the local stack (default false)
 */
@ConfigurationProperties("emprops.generator.fetch")
public record FetchApiProperties(
    List<String> allowedHosts, Duration timeout, long maxResponseBytes, boolean allowPrivateAddresses) {

  public FetchApiProperties {
    allowedHosts = allowedHosts == null ? List.of() : List.copyOf(allowedHosts);
    timeout = timeout == null ? Duration.ofSeconds(30) : timeout;
    // 0 is what binding gives when the property is absent.
    maxResponseBytes = maxResponseBytes == 0 ? 5L * 1024 * 1024 : maxResponseBytes;
    if (!timeout.isPositive()) {
      throw new IllegalArgumentException("emprops.generator.fetch.timeout must be positive");
    }
    if (maxResponseBytes < 0) {
      throw new IllegalArgumentException("emprops.generator.fetch.max-response-bytes must be positive");
    }
  }
}
