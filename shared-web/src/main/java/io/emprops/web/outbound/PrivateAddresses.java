package io.emprops.web.outbound;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Optional;

/**
 * Recognizes addresses that are not on the public internet, which a request steered by someone
 * else (a workflow author, a worker's output URL) must not reach (SSRF): the service's own
 * loopback, the private network around it and the cloud metadata endpoint
 * ({@code 169.254.169.254}) in particular.
 */
public final class PrivateAddresses {

  private PrivateAddresses() {}

  /**
   * Resolves {@code host} and returns the first of its addresses that is not public, if any: a
   * host is refused when any of its addresses is private, so that neither DNS nor an IP literal
   * can point a request at the service's own network.
   *
   * @throws UnknownHostException when the host does not resolve
   */
  public static Optional<InetAddress> firstNonPublic(String host) throws UnknownHostException {
    for (InetAddress address : InetAddress.getAllByName(host)) {
      if (isPrivate(address)) {
        return Optional.of(address);
      }
    }
    return Optional.empty();
  }

  /**
   * True for loopback, unspecified, link-local (169.254/16, fe80::/10), private (10/8, 172.16/12,
   * 192.168/16, fc00::/7), carrier-grade NAT (100.64/10), multicast, "this network" (0/8) and
   * reserved (240/4) addresses, including IPv4 addresses embedded in IPv6 ones.
   */
  public static boolean isPrivate(InetAddress address) {
    if (address.isLoopbackAddress() || address.isAnyLocalAddress() || address.isLinkLocalAddress()
        || address.isSiteLocalAddress() || address.isMulticastAddress()) {
      return true;
    }
    byte[] bytes = address.getAddress();
    if (address instanceof Inet4Address) {
      int first = bytes[0] & 0xff;
      int second = bytes[1] & 0xff;
      return first == 0 || first >= 240 || (first == 100 && (second & 0xc0) == 64);
    }
    // fc00::/7 unique local addresses; Java's isSiteLocalAddress only knows the deprecated fec0::/10.
    if ((bytes[0] & 0xfe) == 0xfc) {
      return true;
    }
    // ::a.b.c.d (IPv4-compatible) and 64:ff9b::a.b.c.d (NAT64) reach an IPv4 address; Java already
    // turns ::ffff:a.b.c.d (IPv4-mapped) into an Inet4Address.
    return (((Inet6Address) address).isIPv4CompatibleAddress() || isNat64(bytes))
        && isPrivate(embeddedIpv4(bytes));
  }

  private static boolean isNat64(byte[] bytes) {
    byte[] prefix = {0, 0x64, (byte) 0xff, (byte) 0x9b, 0, 0, 0, 0, 0, 0, 0, 0};
    return Arrays.equals(bytes, 0, 12, prefix, 0, 12);
  }

  private static InetAddress embeddedIpv4(byte[] bytes) {
    try {
      return InetAddress.getByAddress(Arrays.copyOfRange(bytes, 12, 16));
    } catch (UnknownHostException e) {
      throw new IllegalStateException("four bytes are always an IPv4 address", e);
    }
  }
}
