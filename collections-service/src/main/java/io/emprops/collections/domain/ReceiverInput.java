package io.emprops.collections.domain;

import java.math.BigDecimal;

/** A receiver as the owner submits it, before validation; {@code type} defaults to primary. */
public record ReceiverInput(String address, BigDecimal value, String type) {}
