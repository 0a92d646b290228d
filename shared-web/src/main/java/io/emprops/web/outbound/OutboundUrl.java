package io.emprops.web.outbound;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What can be said of an outbound URL before anything is resolved or sent — when a workflow
 * author registers it, say: the scheme is http or https, the host is written literally (a
 * {@code {{placeholder}}} may fill the path or query, never the scheme, host or port), it is a
 * well-formed name or IP address, carries no credentials, and is not a literal private, loopback,
 * link-local or metadata address. What DNS makes of a name is checked again when it is called.
 */
public final class OutboundUrl {

  private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{[^}]*}}");
  private static final Pattern LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");
  private static final Pattern DOTTED_QUAD =
      Pattern.compile("(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
  /** Names that are loopback or cloud metadata whatever DNS says. */
  private static final java.util.List<String> INTERNAL_NAMES =
      java.util.List.of("localhost", "metadata.google.internal", "metadata");

  private OutboundUrl() {}

  /** Why {@code template} cannot be an outbound URL, or empty when it may be one. */
  public static Optional<String> problem(String template) {
    return problem(template, false);
  }

  /**
   * As {@link #problem(String)}; with {@code allowPrivateAddresses} (local development, tests
   * against local servers) loopback and private hosts pass, the scheme and syntax rules stay.
   */
  public static Optional<String> problem(String template, boolean allowPrivateAddresses) {
    int schemeEnd = template.indexOf("://");
    if (schemeEnd < 0) {
      return Optional.of("must be an absolute http(s) URL");
    }
    String scheme = template.substring(0, schemeEnd).toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      return Optional.of("must use http or https");
    }
    int authorityEnd = indexOfAny(template, schemeEnd + 3, "/?#");
    String authority = template.substring(schemeEnd + 3, authorityEnd);
    if (authority.contains("{{")) {
      return Optional.of("must name its host literally (placeholders may fill the path or query only)");
    }
    URI uri;
    try {
      uri = new URI(PLACEHOLDER.matcher(template).replaceAll("x"));
    } catch (URISyntaxException e) {
      return Optional.of("is not a valid URL");
    }
    if (uri.getRawUserInfo() != null) {
      return Optional.of("must not carry credentials");
    }
    String host = uri.getHost();
    if (host == null || host.isEmpty()) {
      return Optional.of("must name a host");
    }
    return hostProblem(host.toLowerCase(Locale.ROOT), allowPrivateAddresses);
  }

  private static Optional<String> hostProblem(String host, boolean allowPrivateAddresses) {
    if (host.startsWith("[")) {
      return literalAddressProblem(host.substring(1, host.length() - 1), allowPrivateAddresses);
    }
    String name = host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
    String lastLabel = name.substring(name.lastIndexOf('.') + 1);
    if (lastLabel.matches("\\d+|0x[0-9a-f]*") || name.startsWith("0x")) {
      // Numeric hosts: only a plain dotted quad is an address; 2130706433, 0x7f.1, 127.1 are not accepted.
      return DOTTED_QUAD.matcher(name).matches() ? literalAddressProblem(name, allowPrivateAddresses)
          : Optional.of("must be a host name or a dotted IPv4 address");
    }
    if (name.length() > 253) {
      return Optional.of("has a host name longer than 253 characters");
    }
    for (String label : name.split("\\.", -1)) {
      if (!LABEL.matcher(label).matches()) {
        return Optional.of("has an invalid host name");
      }
    }
    if (!allowPrivateAddresses
        && (INTERNAL_NAMES.contains(name) || name.endsWith(".localhost") || name.endsWith(".internal"))) {
      return Optional.of("must not name a loopback, private or metadata host");
    }
    return Optional.empty();
  }

  private static Optional<String> literalAddressProblem(String literal, boolean allowPrivateAddresses) {
    try {
      // A literal: no DNS lookup happens.
      InetAddress address = InetAddress.getByName(literal);
      return !allowPrivateAddresses && PrivateAddresses.isPrivate(address)
          ? Optional.of("must not name a loopback, private, link-local or metadata address")
          : Optional.empty();
    } catch (UnknownHostException | IllegalArgumentException e) {
      return Optional.of("has an invalid IP address");
    }
  }

  private static int indexOfAny(String s, int from, String characters) {
    for (int i = from; i < s.length(); i++) {
      if (characters.indexOf(s.charAt(i)) >= 0) {
        return i;
      }
    }
    return s.length();
  }
}
