package io.emprops.generator.domain.engine;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;

/**
 * Draws a {@code pick} variable's value by weight, deterministically from the generation's hash:
 * the same hash always yields the same picks. Each variable has its own stream —
 * {@code SHA-256(hash ":" name)}, first 8 bytes, top 53 bits as a fraction of total weight — so
 * adding or reordering variables never changes the others' picks, and any implementation can
 * reproduce a generation from its hash.
 */
public final class HashSeededPicker {

  private HashSeededPicker() {}

  public static String pick(String hash, String variable, List<String> values, List<Double> weights) {
    if (values.isEmpty()) {
      throw new IllegalArgumentException("nothing to pick from");
    }
    List<Double> w = weights.isEmpty() ? values.stream().map(v -> 1.0).toList() : weights;
    double total = w.stream().mapToDouble(Double::doubleValue).sum();
    double target = unitInterval(hash, variable) * total;
    double cumulative = 0;
    for (int i = 0; i < values.size(); i++) {
      cumulative += w.get(i);
      if (target < cumulative) {
        return values.get(i);
      }
    }
    return values.getLast();
  }

  /** A number in [0, 1) determined by the hash and the variable's name. */
  static double unitInterval(String hash, String variable) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256")
          .digest((hash + ":" + variable).getBytes(StandardCharsets.UTF_8));
      long bits = ByteBuffer.wrap(digest, 0, 8).getLong() >>> 11;
      return bits * 0x1.0p-53;
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 unavailable", e);
    }
  }
}
