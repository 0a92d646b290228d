package io.emprops.webhooks.support;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A receiver's check of a webhook, written from the Standard Webhooks specification alone (the
 * rules its reference libraries apply), not from the service's code: the secret is
 * {@code whsec_<base64 key>}; the signed content is {@code <webhook-id>.<webhook-timestamp>.<body>};
 * {@code webhook-signature} is a space-separated list of {@code <version>,<base64 signature>} of
 * which one {@code v1} entry must match (constant-time); the timestamp must be within 5 minutes.
 */
public final class StandardWebhooksVerifier {

  private static final Duration TOLERANCE = Duration.ofMinutes(5);

  private StandardWebhooksVerifier() {}

  public static boolean verify(String secret, WebhookReceiver.Received request) {
    String id = request.header("webhook-id");
    String timestamp = request.header("webhook-timestamp");
    String signatures = request.header("webhook-signature");
    if (id == null || timestamp == null || signatures == null) {
      return false;
    }
    long sentAt;
    try {
      sentAt = Long.parseLong(timestamp);
    } catch (NumberFormatException e) {
      return false;
    }
    if (Duration.between(Instant.ofEpochSecond(sentAt), Instant.now()).abs().compareTo(TOLERANCE) > 0) {
      return false;
    }
    byte[] expected;
    try {
      byte[] key = Base64.getDecoder().decode(secret.substring("whsec_".length()));
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      String content = id + "." + timestamp + "." + new String(request.body(), StandardCharsets.UTF_8);
      expected = Base64.getEncoder().encode(mac.doFinal(content.getBytes(StandardCharsets.UTF_8)));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    for (String entry : signatures.split(" ")) {
      String[] parts = entry.split(",", 2);
      if (parts.length == 2 && parts[0].equals("v1")
          && MessageDigest.isEqual(parts[1].getBytes(StandardCharsets.US_ASCII), expected)) {
        return true;
      }
    }
    return false;
  }
}
