package io.emprops.credits.domain;

/** An account's credits: {@code available = balance - reserved}. */
public record Balance(long balance, long reserved, long available) {

  public static Balance of(long balance, long reserved) {
    return new Balance(balance, reserved, balance - reserved);
  }
}
