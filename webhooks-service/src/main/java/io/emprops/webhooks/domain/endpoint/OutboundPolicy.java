package io.emprops.webhooks.domain.endpoint;

import io.emprops.web.outbound.PrivateAddresses;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Optional;

/**
 * Where webhooks may be sent (SSRF rules): {@code https://} URLs of hosts whose every address is
 * public. A local stack ({@code local-mode}) may also use {@code http://} on a loopback host and
 * call loopback addresses; private, link-local (the cloud metadata endpoint) and reserved addresses
 * are refused in every mode. The same rules hold when an endpoint is registered and before every
 * attempt, against the addresses its host resolves to at that moment.
 */
public final class OutboundPolicy {

  public static final int MAX_URL_LENGTH = 2048;

  private final boolean localMode;

  public OutboundPolicy(boolean localMode) {
    this.localMode = localMode;
  }

  public boolean localMode() {
    return localMode;
  }

  /** Whether an attempt may connect to {@code address}. */
  public boolean allows(InetAddress address) {
    if (!PrivateAddresses.isPrivate(address)) {
      return true;
    }
    return localMode && address.isLoopbackAddress();
  }

  /**
   * The URL as an endpoint may have it, or why not (before any address is looked at).
   *
   * @throws IllegalArgumentException with the reason, for the client
   */
  public URI parse(String url) {
    if (url == null || url.isBlank()) {
      throw new IllegalArgumentException("must not be blank");
    }
    if (url.length() > MAX_URL_LENGTH) {
      throw new IllegalArgumentException("must be at most " + MAX_URL_LENGTH + " characters");
    }
    URI uri;
    try {
      uri = new URI(url.strip());
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("is not a valid URL (" + e.getReason() + ")");
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (uri.getHost() == null || uri.getRawUserInfo() != null || uri.getRawFragment() != null) {
      throw new IllegalArgumentException("must be an absolute URL with a host, without user info or fragment");
    }
    if (scheme.equals("https")) {
      return uri;
    }
    if (scheme.equals("http") && localMode && isLoopbackName(uri.getHost())) {
      return uri;
    }
    throw new IllegalArgumentException(localMode
        ? "must be https (http only for a loopback host)"
        : "must be https");
  }

  /** The port an attempt connects to. */
  public static int port(URI url) {
    return url.getPort() != -1 ? url.getPort() : "https".equalsIgnoreCase(url.getScheme()) ? 443 : 80;
  }

  private static boolean isLoopbackName(String host) {
    String h = host.toLowerCase(Locale.ROOT);
    return h.equals("localhost") || h.equals("[::1]") || h.startsWith("127.");
  }
}
