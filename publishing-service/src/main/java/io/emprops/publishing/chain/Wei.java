package io.emprops.publishing.chain;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Locale;

/** Amounts of a chain's native currency: parsed from configuration ({@code 30 gwei}), shown in ether or gwei. */
public final class Wei {

  private static final BigDecimal GWEI = BigDecimal.TEN.pow(9);
  private static final BigDecimal ETHER = BigDecimal.TEN.pow(18);

  private Wei() {}

  /** {@code 123}, {@code 123 wei}, {@code 1.5 gwei}, {@code 0.05 ether}: a whole number of wei. */
  public static BigInteger parse(String text) {
    String[] parts = text.strip().toLowerCase(Locale.ROOT).split("\\s+");
    if (parts.length > 2) {
      throw new IllegalArgumentException("not an amount: '" + text + "' (e.g. 30 gwei, 0.05 ether)");
    }
    BigDecimal unit = parts.length == 1 ? BigDecimal.ONE : switch (parts[1]) {
      case "wei" -> BigDecimal.ONE;
      case "gwei" -> GWEI;
      case "ether", "eth" -> ETHER;
      default -> throw new IllegalArgumentException("unknown unit in '" + text + "' (wei, gwei, ether)");
    };
    try {
      return new BigDecimal(parts[0]).multiply(unit).toBigIntegerExact();
    } catch (ArithmeticException | NumberFormatException e) {
      throw new IllegalArgumentException("not a whole number of wei: '" + text + "'", e);
    }
  }

  /** An amount in ether, exactly ({@code 0.05}), for messages. */
  public static String ether(BigInteger wei) {
    return new BigDecimal(wei).divide(ETHER).stripTrailingZeros().toPlainString() + " ether";
  }

  /** An amount in gwei, exactly, for messages. */
  public static String gwei(BigInteger wei) {
    return new BigDecimal(wei).divide(GWEI).stripTrailingZeros().toPlainString() + " gwei";
  }

  /** {@code value} in ether as wei, or empty when it has more than 18 decimals or is negative. */
  public static java.util.Optional<BigInteger> fromEther(BigDecimal value) {
    try {
      BigInteger wei = value.multiply(ETHER).toBigIntegerExact();
      return wei.signum() < 0 ? java.util.Optional.empty() : java.util.Optional.of(wei);
    } catch (ArithmeticException e) {
      return java.util.Optional.empty();
    }
  }
}
