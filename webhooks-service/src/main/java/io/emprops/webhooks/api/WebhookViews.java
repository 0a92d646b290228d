package io.emprops.webhooks.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonInclude.Include;
import io.emprops.webhooks.domain.delivery.Attempt;
import io.emprops.webhooks.domain.delivery.Deliveries;
import io.emprops.webhooks.domain.delivery.Delivery;
import io.emprops.webhooks.domain.delivery.Message;
import io.emprops.webhooks.domain.endpoint.Endpoint;
import io.emprops.webhooks.domain.endpoint.Endpoints;
import io.emprops.webhooks.domain.event.WebhookEventType;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The JSON shapes of {@code /webhooks} (API.md, "Webhooks"). */
final class WebhookViews {

  private WebhookViews() {}

  /**
   * An endpoint. {@code secret} only in the answers that create it ({@code POST /webhooks},
   * {@code rotate-secret}): it is never shown again.
   *
   * @param failingSince when its current run of failed attempts began; null while it succeeds
   * @param previousSecretExpiresAt after a rotation: until when the previous secret also signs
   */
  record WebhookView(UUID id, String url, String description, List<String> eventTypes, boolean enabled,
      String disabledReason, Instant disabledAt, Instant failingSince, Instant createdAt, Instant updatedAt,
      @JsonInclude(Include.NON_NULL) String secret,
      @JsonInclude(Include.NON_NULL) Instant previousSecretExpiresAt) {

    static WebhookView of(Endpoint e) {
      return new WebhookView(e.id(), e.url().toString(), e.description(), e.eventTypes(), e.enabled(),
          e.disabledReason(), e.disabledAt(), e.failingSince(), e.createdAt(), e.updatedAt(), null, null);
    }

    static WebhookView of(Endpoints.WithSecret created) {
      Endpoint e = created.endpoint();
      return new WebhookView(e.id(), e.url().toString(), e.description(), e.eventTypes(), e.enabled(),
          e.disabledReason(), e.disabledAt(), e.failingSince(), e.createdAt(), e.updatedAt(), created.secret(),
          created.previousSecretExpiresAt());
    }
  }

  /**
   * One delivery in the log.
   *
   * @param webhookId the {@code webhook-id} header it is sent with: the same for every attempt and replay
   * @param responseStatus the last attempt's HTTP status (null when there was no answer)
   * @param responseTimeMs how long the last attempt took
   * @param nextAttemptAt when it is tried next (null once it is final)
   */
  record DeliveryView(UUID id, String webhookId, String eventType, String status, int attempts,
      Integer responseStatus, Integer responseTimeMs, String lastError, Instant lastAttemptAt, Instant nextAttemptAt,
      UUID replayOf, Instant createdAt, Instant finishedAt) {

    static DeliveryView of(Delivery d) {
      boolean waiting = Delivery.PENDING.equals(d.status()) || Delivery.QUEUED.equals(d.status());
      return new DeliveryView(d.id(), Message.webhookId(d.messageId()), d.eventType(), d.status(), d.attempts(),
          d.lastStatusCode(), d.lastDurationMs(), d.lastError(), d.lastAttemptAt(),
          waiting ? d.nextAttemptAt() : null, d.replayOf(), d.createdAt(), d.finishedAt());
    }
  }

  /** A delivery with every attempt and the payload it sends. */
  record DeliveryDetailView(DeliveryView delivery, List<AttemptView> attempts, JsonNode payload) {

    static DeliveryDetailView of(Deliveries.Detail detail, JsonMapper json) {
      return new DeliveryDetailView(DeliveryView.of(detail.delivery()),
          detail.attempts().stream().map(AttemptView::of).toList(), json.readTree(detail.message().body()));
    }
  }

  /** @param responseBody the start of the answer (at most 1 KB) */
  record AttemptView(int attempt, Instant attemptedAt, Integer responseStatus, int responseTimeMs, String error,
      String responseBody) {

    static AttemptView of(Attempt a) {
      return new AttemptView(a.attempt(), a.attemptedAt(), a.statusCode(), a.durationMs(), a.error(), a.responseBody());
    }
  }

  /** @param available false for a type the suite does not produce yet ({@code note} says when) */
  record EventTypeView(String type, String description, boolean available, String note) {

    static EventTypeView of(WebhookEventType t) {
      return new EventTypeView(t.wireName(), t.description(), t.available(), t.pending().orElse(null));
    }
  }

  record ReplayedView(int replayed) {}
}
