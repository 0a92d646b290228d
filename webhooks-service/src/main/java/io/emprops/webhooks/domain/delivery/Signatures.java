package io.emprops.webhooks.domain.delivery;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.List;
import java.util.StringJoiner;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Standard Webhooks signatures: {@code v1,<base64 HMAC-SHA256(key, "<webhook-id>.<webhook-timestamp>.<body>")>},
 * one per signing key, space-separated (during a rotation's overlap, old and new secret both sign).
 */
public final class Signatures {

  private Signatures() {}

  public static String header(String webhookId, long timestamp, byte[] body, List<byte[]> keys) {
    byte[] prefix = (webhookId + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8);
    StringJoiner joined = new StringJoiner(" ");
    for (byte[] key : keys) {
      try {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        mac.update(prefix);
        joined.add("v1," + Base64.getEncoder().encodeToString(mac.doFinal(body)));
      } catch (NoSuchAlgorithmException | InvalidKeyException e) {
        throw new IllegalStateException("HmacSHA256 unavailable", e);
      }
    }
    return joined.toString();
  }
}
