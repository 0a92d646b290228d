package io.emprops.collections.domain.addresses;

import io.emprops.collections.domain.Blockchain;
import io.emprops.collections.domain.Blockchain.AddressFamily;
import io.emprops.collections.domain.Violations;
import java.util.Optional;

/** Which addresses may receive payments, on which chain, and in what form they are stored. */
public final class ReceiverAddresses {

  private ReceiverAddresses() {}

  /**
   * The address as stored (EVM addresses checksummed), or empty with a violation at {@code field}.
   *
   * @param chain the collection's chain, or null when not chosen yet (any valid address is taken)
   */
  public static Optional<String> normalize(String address, Blockchain chain, String field, Violations violations) {
    Optional<AddressFamily> family = familyOf(address);
    if (family.isEmpty()) {
      violations.add(field, "must be an EVM address (0x…) or a Tezos address (tz1, tz2, tz3, KT1)");
      return Optional.empty();
    }
    if (chain != null && chain.addressFamily() != family.get()) {
      violations.add(field, "must be " + (chain.addressFamily() == AddressFamily.EVM ? "an EVM" : "a Tezos")
          + " address for a " + chain.name() + " collection");
      return Optional.empty();
    }
    if (family.get() == AddressFamily.EVM) {
      Optional<String> checksummed = EvmAddress.checksummed(address);
      if (checksummed.isEmpty()) {
        violations.add(field, "is not a valid EVM address: 0x and 40 hexadecimal digits, with a correct EIP-55 "
            + "checksum when mixed-case");
      }
      return checksummed;
    }
    if (!TezosAddress.isValid(address)) {
      violations.add(field, "is not a valid Tezos address: its base58check checksum does not match");
      return Optional.empty();
    }
    return Optional.of(address);
  }

  /** The family an address claims to belong to, by its prefix. */
  public static Optional<AddressFamily> familyOf(String address) {
    if (EvmAddress.looksLikeOne(address)) {
      return Optional.of(AddressFamily.EVM);
    }
    if (address.startsWith("tz") || address.startsWith("KT1")) {
      return Optional.of(AddressFamily.TEZOS);
    }
    return Optional.empty();
  }
}
