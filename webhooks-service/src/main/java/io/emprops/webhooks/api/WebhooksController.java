package io.emprops.webhooks.api;

import io.emprops.web.api.ApiException;
import io.emprops.web.api.ApiResponse;
import io.emprops.web.api.PageResponse;
import io.emprops.web.identity.CallerIdentity;
import io.emprops.webhooks.api.WebhookViews.DeliveryDetailView;
import io.emprops.webhooks.api.WebhookViews.DeliveryView;
import io.emprops.webhooks.api.WebhookViews.EventTypeView;
import io.emprops.webhooks.api.WebhookViews.ReplayedView;
import io.emprops.webhooks.api.WebhookViews.WebhookView;
import io.emprops.webhooks.domain.delivery.Deliveries;
import io.emprops.webhooks.domain.delivery.Delivery;
import io.emprops.webhooks.domain.endpoint.Endpoints;
import io.emprops.webhooks.domain.event.WebhookEventType;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.validation.annotation.Validated;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;
import org.springframework.web.bind.annotation.ResponseStatus;

/**
 * {@code /webhooks} (API.md, "Webhooks"): the caller's endpoints, their secrets, test messages,
 * delivery logs and replays. Another user's endpoint is a 404.
 */
@RestController
@RequestMapping("/webhooks")
@Validated
public class WebhooksController {

  static final int MAX_PAGE_SIZE = 100;
  private static final Set<String> PATCHABLE = Set.of("url", "event_types", "description", "enabled");
  private static final Set<String> STATUSES = Set.of(Delivery.QUEUED, Delivery.PENDING, Delivery.SENDING,
      Delivery.DELIVERED, Delivery.FAILED, Delivery.NOTICE);

  private final Endpoints endpoints;
  private final Deliveries deliveries;
  private final JsonMapper json;

  public WebhooksController(Endpoints endpoints, Deliveries deliveries, JsonMapper json) {
    this.endpoints = endpoints;
    this.deliveries = deliveries;
    this.json = json;
  }

  /** @param enabled default true */
  public record CreateRequest(String url, List<String> eventTypes, String description, Boolean enabled) {}

  /** @param overlapSeconds how long the previous secret keeps signing (default 86400: a day) */
  public record RotateRequest(Long overlapSeconds) {}

  /** @param eventType send an example of this type instead of {@code webhook.test} */
  public record TestRequest(String eventType) {}

  /**
   * @param until default now
   * @param onlyFailed default true: only the deliveries that failed
   */
  public record ReplayRequest(Instant since, Instant until, Boolean onlyFailed) {}

  @PostMapping
  @ResponseStatus(HttpStatus.CREATED)
  public ResponseEntity<ApiResponse<WebhookView>> create(CallerIdentity caller, @RequestBody CreateRequest request) {
    var created = endpoints.create(caller.requireUserId(), request.url(), request.eventTypes(), request.description(),
        request.enabled() == null || request.enabled());
    return ResponseEntity.status(HttpStatus.CREATED).body(ApiResponse.ok(WebhookView.of(created)));
  }

  @GetMapping
  public ApiResponse<PageResponse<WebhookView>> list(CallerIdentity caller,
      @RequestParam(defaultValue = "1") @Min(1) @Max(100_000) int page,
      @RequestParam(defaultValue = "20") @Min(1) @Max(MAX_PAGE_SIZE) int size) {
    String user = caller.requireUserId();
    var items = endpoints.page(user, (page - 1) * size, size).stream().map(WebhookView::of).toList();
    return ApiResponse.ok(PageResponse.of(items, page, size, endpoints.count(user)));
  }

  /** Every event type, those produced later included. */
  @GetMapping("/event-types")
  public ApiResponse<List<EventTypeView>> eventTypes() {
    return ApiResponse.ok(Arrays.stream(WebhookEventType.values()).map(EventTypeView::of).toList());
  }

  @GetMapping("/{id}")
  public ApiResponse<WebhookView> get(CallerIdentity caller, @PathVariable UUID id) {
    return ApiResponse.ok(WebhookView.of(endpoints.get(caller.requireUserId(), id)));
  }

  /** Partial update: {@code url}, {@code event_types}, {@code description} (null clears it), {@code enabled}. */
  @PatchMapping("/{id}")
  public ApiResponse<WebhookView> update(CallerIdentity caller, @PathVariable UUID id, @RequestBody ObjectNode body) {
    return ApiResponse.ok(WebhookView.of(endpoints.update(caller.requireUserId(), id, changes(body))));
  }

  @DeleteMapping("/{id}")
  @ResponseStatus(HttpStatus.NO_CONTENT)
  public ResponseEntity<Void> delete(CallerIdentity caller, @PathVariable UUID id) {
    endpoints.delete(caller.requireUserId(), id);
    return ResponseEntity.noContent().build();
  }

  @PostMapping("/{id}/rotate-secret")
  public ApiResponse<WebhookView> rotate(CallerIdentity caller, @PathVariable UUID id,
      @RequestBody(required = false) RotateRequest request) {
    long overlap = request == null || request.overlapSeconds() == null ? 86_400 : request.overlapSeconds();
    return ApiResponse.ok(WebhookView.of(endpoints.rotate(caller.requireUserId(), id, Duration.ofSeconds(overlap))));
  }

  @PostMapping("/{id}/test")
  @ResponseStatus(HttpStatus.ACCEPTED)
  public ResponseEntity<ApiResponse<DeliveryView>> test(CallerIdentity caller, @PathVariable UUID id,
      @RequestBody(required = false) TestRequest request) {
    Optional<String> type = Optional.ofNullable(request).map(TestRequest::eventType);
    return accepted(DeliveryView.of(deliveries.test(caller.requireUserId(), id, type)));
  }

  @GetMapping("/{id}/deliveries")
  public ApiResponse<PageResponse<DeliveryView>> deliveries(CallerIdentity caller, @PathVariable UUID id,
      @RequestParam(required = false) String status,
      @RequestParam(defaultValue = "1") @Min(1) @Max(100_000) int page,
      @RequestParam(defaultValue = "20") @Min(1) @Max(MAX_PAGE_SIZE) int size) {
    if (status != null && !STATUSES.contains(status)) {
      throw ApiException.invalid("status", "must be one of " + String.join(", ", STATUSES.stream().sorted().toList()));
    }
    String user = caller.requireUserId();
    var items = deliveries.page(user, id, status, (page - 1) * size, size).stream().map(DeliveryView::of).toList();
    return ApiResponse.ok(PageResponse.of(items, page, size, deliveries.count(user, id, status)));
  }

  @GetMapping("/{id}/deliveries/{deliveryId}")
  public ApiResponse<DeliveryDetailView> delivery(CallerIdentity caller, @PathVariable UUID id,
      @PathVariable UUID deliveryId) {
    return ApiResponse.ok(DeliveryDetailView.of(deliveries.detail(caller.requireUserId(), id, deliveryId), json));
  }

  /** Sends the delivery's message again, with the same {@code webhook-id}. */
  @PostMapping("/{id}/deliveries/{deliveryId}/replay")
  @ResponseStatus(HttpStatus.ACCEPTED)
  public ResponseEntity<ApiResponse<DeliveryView>> replay(CallerIdentity caller, @PathVariable UUID id,
      @PathVariable UUID deliveryId) {
    return accepted(DeliveryView.of(deliveries.replay(caller.requireUserId(), id, deliveryId)));
  }

  /** Replays the deliveries created in {@code [since, until)}, oldest first. */
  @PostMapping("/{id}/deliveries/replay")
  @ResponseStatus(HttpStatus.ACCEPTED)
  public ResponseEntity<ApiResponse<ReplayedView>> replayRange(CallerIdentity caller, @PathVariable UUID id,
      @RequestBody ReplayRequest request) {
    if (request.since() == null) {
      throw ApiException.invalid("since", "is required");
    }
    Instant until = request.until() == null ? Instant.now() : request.until();
    int replayed = deliveries.replay(caller.requireUserId(), id, request.since(), until,
        request.onlyFailed() == null || request.onlyFailed());
    return accepted(new ReplayedView(replayed));
  }

  private static <T> ResponseEntity<ApiResponse<T>> accepted(T body) {
    return ResponseEntity.status(HttpStatus.ACCEPTED).body(ApiResponse.ok(body));
  }

  private Endpoints.Changes changes(ObjectNode body) {
    List<String> unknown = new ArrayList<>();
    body.propertyNames().forEach(name -> {
      if (!PATCHABLE.contains(name)) {
        unknown.add(name);
      }
    });
    if (!unknown.isEmpty()) {
      throw ApiException.invalid(unknown.getFirst(), "is not a field of a webhook that can be changed");
    }
    Optional<String> url = Optional.ofNullable(body.get("url")).map(v -> text(v, "url"));
    Optional<List<String>> types = Optional.ofNullable(body.get("event_types")).map(v -> {
      if (!v.isArray()) {
        throw ApiException.invalid("event_types", "must be an array of event types");
      }
      List<String> list = new ArrayList<>();
      v.forEach(item -> list.add(text(item, "event_types")));
      return list;
    });
    Optional<Optional<String>> description = Optional.ofNullable(body.get("description"))
        .map(v -> v.isNull() ? Optional.empty() : Optional.of(text(v, "description")));
    Optional<Boolean> enabled = Optional.ofNullable(body.get("enabled")).map(v -> {
      if (!v.isBoolean()) {
        throw ApiException.invalid("enabled", "must be true or false");
      }
      return v.booleanValue();
    });
    return new Endpoints.Changes(url, types, description, enabled);
  }

  private static String text(JsonNode value, String field) {
    if (!value.isString()) {
      throw ApiException.invalid(field, "must be a string");
    }
    return value.asString();
  }
}
