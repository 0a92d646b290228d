package io.emprops.generator.domain.job;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What an Idempotency-Key is bound to: the SHA-256 of a request's canonical JSON, so the same key
 * with another body can be told apart (409) from a retry of the same request.
 */
public final class RequestFingerprint {

  private RequestFingerprint() {}

  public static String of(JsonMapper json, JsonNode canonical) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256")
          .digest(json.writeValueAsString(canonical).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }
}
