package io.emprops.webhooks.domain.delivery;

import java.time.Instant;
import java.util.HexFormat;
import java.util.UUID;

/**
 * What is sent: one event, rendered once for every endpoint it goes to.
 *
 * @param body the JSON body, exactly the bytes signed and sent
 */
public record Message(UUID id, String userId, String eventType, String body, Instant occurredAt) {

  /** {@code webhook-id}: {@code msg_} and the id's 32 hex digits. */
  public static String webhookId(UUID messageId) {
    return "msg_" + messageId.toString().replace("-", "");
  }

  /** The id behind a {@link #webhookId}. */
  public static UUID fromWebhookId(String webhookId) {
    String hex = webhookId.startsWith("msg_") ? webhookId.substring(4) : webhookId;
    byte[] bytes = HexFormat.of().parseHex(hex);
    return new UUID(java.nio.ByteBuffer.wrap(bytes, 0, 8).getLong(), java.nio.ByteBuffer.wrap(bytes, 8, 8).getLong());
  }
}
