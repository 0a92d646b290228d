package io.emprops.collections.domain;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/** The chains a collection can be published on (API.md, "Collections"). */
public enum Blockchain {
  ETHEREUM(AddressFamily.EVM),
  BASE(AddressFamily.EVM),
  TEZOS(AddressFamily.TEZOS);

  public static final String CHOICES = Arrays.stream(values()).map(Enum::name).collect(Collectors.joining(", "));

  private final AddressFamily addressFamily;

  Blockchain(AddressFamily addressFamily) {
    this.addressFamily = addressFamily;
  }

  /** The kind of address that can receive payments on this chain. */
  public AddressFamily addressFamily() {
    return addressFamily;
  }

  public static Optional<Blockchain> fromWire(String value) {
    return Arrays.stream(values()).filter(b -> b.name().equals(value)).findFirst();
  }

  public enum AddressFamily { EVM, TEZOS }
}
