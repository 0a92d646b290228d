package io.emprops.collections.domain.addresses;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * EVM addresses (Ethereum, Base) with their EIP-55 checksum: a mixed-case address must carry the
 * exact checksum capitalisation; an all-lowercase or all-uppercase one carries no checksum and is
 * accepted as written.
 */
public final class EvmAddress {

  private static final Pattern SHAPE = Pattern.compile("0x[0-9a-fA-F]{40}");

  private EvmAddress() {}

  public static boolean looksLikeOne(String address) {
    return address.startsWith("0x");
  }

  /** The checksummed form of a valid address; empty when malformed or its checksum is wrong. */
  public static Optional<String> checksummed(String address) {
    if (!SHAPE.matcher(address).matches()) {
      return Optional.empty();
    }
    String hex = address.substring(2);
    String expected = toChecksum(hex.toLowerCase(Locale.ROOT));
    boolean carriesChecksum = !hex.equals(hex.toLowerCase(Locale.ROOT)) && !hex.equals(hex.toUpperCase(Locale.ROOT));
    if (carriesChecksum && !expected.equals(address)) {
      return Optional.empty();
    }
    return Optional.of(expected);
  }

  /** EIP-55: a hex letter is uppercase when the matching nibble of keccak256(lowercase hex) is ≥ 8. */
  static String toChecksum(String lowercaseHex) {
    byte[] hash = Keccak256.hash(lowercaseHex.getBytes(StandardCharsets.US_ASCII));
    StringBuilder out = new StringBuilder("0x");
    for (int i = 0; i < lowercaseHex.length(); i++) {
      char c = lowercaseHex.charAt(i);
      int nibble = (hash[i / 2] >> (i % 2 == 0 ? 4 : 0)) & 0x0F;
      out.append(Character.isLetter(c) && nibble >= 8 ? Character.toUpperCase(c) : c);
    }
    return out.toString();
  }
}
