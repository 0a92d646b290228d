package io.emprops.publishing.chain;

import java.math.BigInteger;

/** EIP-1559 fees of a transaction, in wei per gas. */
public record Fees(BigInteger maxFeePerGas, BigInteger maxPriorityFeePerGas) {

  /** Nodes accept a replacement only when both fees rise by at least 10%; take 12.5%. */
  private static final BigInteger BUMP_NUMERATOR = BigInteger.valueOf(9);
  private static final BigInteger BUMP_DENOMINATOR = BigInteger.valueOf(8);

  /** What a transaction at these fees may cost at most. */
  public BigInteger worstCost(BigInteger gas) {
    return maxFeePerGas.multiply(gas);
  }

  /** Each fee raised to the least a replacement must offer. */
  public Fees bumped() {
    return new Fees(bump(maxFeePerGas), bump(maxPriorityFeePerGas));
  }

  /** Whether both fees are at least a replacement's minimum over {@code previous}. */
  public boolean replaces(Fees previous) {
    Fees least = previous.bumped();
    return maxFeePerGas.compareTo(least.maxFeePerGas) >= 0
        && maxPriorityFeePerGas.compareTo(least.maxPriorityFeePerGas) >= 0;
  }

  private static BigInteger bump(BigInteger value) {
    BigInteger[] qr = value.multiply(BUMP_NUMERATOR).divideAndRemainder(BUMP_DENOMINATOR);
    return qr[1].signum() == 0 ? qr[0] : qr[0].add(BigInteger.ONE);
  }
}
