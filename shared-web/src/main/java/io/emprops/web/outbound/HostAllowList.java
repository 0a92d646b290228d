package io.emprops.web.outbound;

import java.util.List;
import java.util.Locale;

/**
 * The hosts a service may call on someone else's behalf (an outbound allow-list, the first fence
 * against SSRF). Entries are {@code host}, {@code *.domain} (any subdomain at any depth, not the
 * domain itself) or either with {@code :port}; without a port every port is allowed. IPv6 literals
 * are written in brackets, as in URLs: {@code [2001:db8::1]:8443}. Matching ignores case and a
 * trailing root dot.
 */
public final class HostAllowList {

  private record Entry(String host, boolean subdomains, int port) {

    static final int ANY_PORT = -1;

    boolean allows(String candidate, int candidatePort) {
      boolean hostMatches = subdomains
          ? candidate.length() > host.length() + 1 && candidate.endsWith("." + host)
          : candidate.equals(host);
      return hostMatches && (port == ANY_PORT || port == candidatePort);
    }
  }

  private final List<Entry> entries;

  private HostAllowList(List<Entry> entries) {
    this.entries = entries;
  }

  /**
   * @param property the configuration property the entries come from, named in error messages
   * @throws IllegalArgumentException naming the first malformed entry and the property
   */
  public static HostAllowList of(String property, List<String> entries) {
    return new HostAllowList(entries.stream().map(entry -> parse(entry, property)).toList());
  }

  /**
   * @param host a URL's host as {@link java.net.URI#getHost()} gives it (IPv6 in brackets)
   * @param port the port that will be connected to (the scheme's default when the URL has none)
   */
  public boolean allows(String host, int port) {
    String normalized = normalize(host);
    return entries.stream().anyMatch(entry -> entry.allows(normalized, port));
  }

  private static Entry parse(String raw, String property) {
    String entry = raw == null ? "" : raw.strip();
    // An IPv6 literal's colons are not a port separator; only a colon after its "]" is.
    int hostEnd = entry.startsWith("[") ? entry.indexOf(']') + 1 : entry.indexOf(':');
    String host = hostEnd < 0 ? entry : entry.substring(0, hostEnd);
    String rest = hostEnd < 0 ? "" : entry.substring(hostEnd);
    boolean subdomains = host.startsWith("*.");
    String domain = normalize(subdomains ? host.substring(2) : host);
    // A wildcard over an IP literal ("*.0.0.1") would match addresses by their text: refused.
    boolean ipLiteral = domain.startsWith("[") || domain.matches("(.*\\.)?[0-9]+");
    if (domain.isEmpty() || domain.contains("*") || domain.contains("/") || domain.contains("@")
        || (subdomains && ipLiteral) || !(rest.isEmpty() || rest.startsWith(":"))) {
      throw new IllegalArgumentException("invalid allowed host '" + raw
          + "': expected host, *.domain or either with :port (" + property + ")");
    }
    return new Entry(domain, subdomains, rest.isEmpty() ? Entry.ANY_PORT : port(raw, rest.substring(1), property));
  }

  private static int port(String raw, String digits, String property) {
    try {
      int port = Integer.parseInt(digits);
      if (port >= 1 && port <= 65535) {
        return port;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException("invalid port in allowed host '" + raw + "' (" + property + ")");
  }

  private static String normalize(String host) {
    String lower = host.toLowerCase(Locale.ROOT);
    return lower.endsWith(".") ? lower.substring(0, lower.length() - 1) : lower;
  }
}
