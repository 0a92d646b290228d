package io.emprops.collections.domain;

import java.math.BigDecimal;

/**
 * A payee of sales: {@code value} is a percentage with two decimals; EVM addresses are kept in
 * their EIP-55 checksummed form.
 */
public record Receiver(String address, BigDecimal value, ReceiverType type) {}
