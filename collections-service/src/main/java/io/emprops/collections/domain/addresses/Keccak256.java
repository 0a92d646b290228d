package io.emprops.collections.domain.addresses;

/**
 * Keccak-256 as Ethereum uses it: the original Keccak padding (0x01), not SHA3-256's (0x06),
 * which is why the JDK's SHA3-256 cannot be used for EIP-55 checksums.
 */
public final class Keccak256 {

  private static final int RATE_BYTES = 136;
  private static final int ROUNDS = 24;
  private static final byte KECCAK_PADDING = 0x01;
  static final byte SHA3_PADDING = 0x06;

  private static final long[] ROUND_CONSTANTS = {
      0x0000000000000001L, 0x0000000000008082L, 0x800000000000808AL, 0x8000000080008000L,
      0x000000000000808BL, 0x0000000080000001L, 0x8000000080008081L, 0x8000000000008009L,
      0x000000000000008AL, 0x0000000000000088L, 0x0000000080008009L, 0x000000008000000AL,
      0x000000008000808BL, 0x800000000000008BL, 0x8000000000008089L, 0x8000000000008003L,
      0x8000000000008002L, 0x8000000000000080L, 0x000000000000800AL, 0x800000008000000AL,
      0x8000000080008081L, 0x8000000000008080L, 0x0000000080000001L, 0x8000000080008008L};

  /** Rotation offsets of the rho step, indexed by lane x + 5y. */
  private static final int[] ROTATIONS = {
      0, 1, 62, 28, 27,
      36, 44, 6, 55, 20,
      3, 10, 43, 25, 39,
      41, 45, 15, 21, 8,
      18, 2, 61, 56, 14};

  private Keccak256() {}

  public static byte[] hash(byte[] input) {
    return sponge(input, KECCAK_PADDING);
  }

  /**
   * The Keccak[512] sponge with the given first padding byte: 0x01 is Keccak-256, 0x06 is
   * SHA3-256 (which lets the permutation be checked against the JDK).
   */
  static byte[] sponge(byte[] input, byte firstPaddingByte) {
    long[] state = new long[25];
    int blocks = input.length / RATE_BYTES + 1;
    byte[] padded = new byte[blocks * RATE_BYTES];
    System.arraycopy(input, 0, padded, 0, input.length);
    padded[input.length] ^= firstPaddingByte;
    padded[padded.length - 1] ^= (byte) 0x80;
    for (int block = 0; block < blocks; block++) {
      for (int lane = 0; lane < RATE_BYTES / 8; lane++) {
        state[lane] ^= littleEndianLong(padded, block * RATE_BYTES + lane * 8);
      }
      permute(state);
    }
    byte[] digest = new byte[32];
    for (int i = 0; i < digest.length; i++) {
      digest[i] = (byte) (state[i / 8] >>> (8 * (i % 8)));
    }
    return digest;
  }

  private static long littleEndianLong(byte[] bytes, int offset) {
    long value = 0;
    for (int i = 7; i >= 0; i--) {
      value = (value << 8) | (bytes[offset + i] & 0xFF);
    }
    return value;
  }

  private static void permute(long[] a) {
    long[] c = new long[5];
    long[] b = new long[25];
    for (int round = 0; round < ROUNDS; round++) {
      // theta
      for (int x = 0; x < 5; x++) {
        c[x] = a[x] ^ a[x + 5] ^ a[x + 10] ^ a[x + 15] ^ a[x + 20];
      }
      for (int x = 0; x < 5; x++) {
        long d = c[(x + 4) % 5] ^ Long.rotateLeft(c[(x + 1) % 5], 1);
        for (int y = 0; y < 25; y += 5) {
          a[x + y] ^= d;
        }
      }
      // rho and pi
      for (int x = 0; x < 5; x++) {
        for (int y = 0; y < 5; y++) {
          b[y + 5 * ((2 * x + 3 * y) % 5)] = Long.rotateLeft(a[x + 5 * y], ROTATIONS[x + 5 * y]);
        }
      }
      // chi
      for (int y = 0; y < 25; y += 5) {
        for (int x = 0; x < 5; x++) {
          a[x + y] = b[x + y] ^ (~b[(x + 1) % 5 + y] & b[(x + 2) % 5 + y]);
        }
      }
      // iota
      a[0] ^= ROUND_CONSTANTS[round];
    }
  }
}
