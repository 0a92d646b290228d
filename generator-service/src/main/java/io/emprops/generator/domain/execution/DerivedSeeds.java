package io.emprops.generator.domain.execution;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A step that leaves its workflow's {@code seed} unset gets one derived from the generation's
 * hash: generations differ, and the same hash reproduces the same output.
 */
final class DerivedSeeds {

  private DerivedSeeds() {}

  /** {@code inputs} with the seed derived from {@code hash}, unless they set one (or there is no hash). */
  static JsonNode withDerivedSeed(JsonNode inputs, String hash) {
    if (!(inputs instanceof ObjectNode object) || object.has("seed") || hash == null || hash.isEmpty()) {
      return inputs;
    }
    ObjectNode copy = object.deepCopy();
    copy.put("seed", seedOf(hash));
    return copy;
  }

  /** The first four bytes of SHA-256({@code "seed:" + hash}), unsigned. */
  private static long seedOf(String hash) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(("seed:" + hash).getBytes(StandardCharsets.UTF_8));
      return ((digest[0] & 0xFFL) << 24) | ((digest[1] & 0xFFL) << 16) | ((digest[2] & 0xFFL) << 8) | (digest[3] & 0xFFL);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
