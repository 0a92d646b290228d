package io.emprops.events.contract;

import java.math.BigDecimal;

/**
 * A sales receiver of a collection.
 *
 * @param address EVM (checksummed) or Tezos address
 * @param value share in percent; a collection's receivers sum to 100
 * @param type the receiver's role as given by the owner
 */
public record Receiver(String address, BigDecimal value, String type) {}
