package io.emprops.webhooks.domain.delivery;

import io.emprops.web.api.ApiException;
import io.emprops.webhooks.domain.endpoint.Endpoint;
import io.emprops.webhooks.domain.endpoint.EndpointRepository;
import io.emprops.webhooks.domain.endpoint.Endpoints;
import io.emprops.webhooks.domain.endpoint.EventTypeFilter;
import io.emprops.webhooks.domain.event.EventPayloads;
import io.emprops.webhooks.domain.event.EventSamples;
import io.emprops.webhooks.domain.event.WebhookEvent;
import io.emprops.webhooks.domain.event.WebhookEventType;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Collectors;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import tools.jackson.databind.json.JsonMapper;

/**
 * Turns events into deliveries (fan-out to the owner's subscribed endpoints), sends test messages,
 * replays, and reads the delivery log. A fan-out commits with the consumed event's inbox claim, so
 * an event is fanned out exactly once; the dispatcher is woken once it committed.
 */
@Service
@Transactional
public class Deliveries {

  /** The most deliveries one range replay creates. */
  public static final int MAX_REPLAY = 10_000;

  /** The body of every message (Standard Webhooks: {@code type}, {@code timestamp}, {@code data}). */
  record Body(String type, Instant timestamp, int version, Object data) {}

  private final DeliveryRepository deliveries;
  private final EndpointRepository endpointRows;
  private final Endpoints endpoints;
  private final DeliverySettings settings;
  private final DeliveryMetrics metrics;
  private final DeliveryWakeup wakeup;
  private final JsonMapper json;
  private final Clock clock;

  public Deliveries(DeliveryRepository deliveries, EndpointRepository endpointRows, Endpoints endpoints,
      DeliverySettings settings, DeliveryMetrics metrics, DeliveryWakeup wakeup, JsonMapper json, Clock clock) {
    this.deliveries = deliveries;
    this.endpointRows = endpointRows;
    this.endpoints = endpoints;
    this.settings = settings;
    this.metrics = metrics;
    this.wakeup = wakeup;
    this.json = json;
    this.clock = clock;
  }

  /**
   * Fans {@code event} out to its owner's enabled endpoints that subscribe to its type and existed
   * when it happened. {@code job.progress} is coalesced per endpoint and job: a progress not sent
   * yet is replaced by the newer one, and progress deliveries are at least
   * {@code progress-interval} apart.
   *
   * <p>A job's outputs are stored before it completes, but {@code asset.stored} and
   * {@code job.completed} come from two topics, read independently. To an endpoint subscribed to
   * both, a {@code job.completed} whose outputs' {@code asset.stored} its lane has not had yet is
   * held: outside the lane until the last of them arrives (each goes into the lane as usual) or
   * {@code completion-hold} passes ({@link CompletionHolds}); then it joins the lane's end.
   *
   * @return the deliveries created (coalesced progress counts as none)
   */
  public int publish(WebhookEvent event) {
    List<Endpoint> targets = endpointRows.enabledOf(event.userId(), event.occurredAt()).stream()
        .filter(e -> EventTypeFilter.matches(e.eventTypes(), event.type()))
        .toList();
    if (targets.isEmpty()) {
      return 0;
    }
    Message message = render(messageId(event.sourceEventId(), event.type().wireName()), event.userId(),
        event.type().wireName(), event.occurredAt(), event.data());
    if (!deliveries.insertMessage(message)) {
      return 0;
    }
    List<Lane> lanes = targets.stream().map(e -> new Lane(e.id(), event.orderingKey())).sorted().toList();
    deliveries.lockLanes(lanes);
    Instant now = clock.instant();
    Map<UUID, Set<UUID>> awaited = awaitedAssets(event, targets);
    UUID storedAsset = event.storedAsset().orElse(null);
    int created = 0;
    for (Lane lane : lanes) {
      Instant notBefore = now;
      if (event.type() == WebhookEventType.JOB_PROGRESS) {
        if (deliveries.replaceUnsentProgress(lane, message.id())) {
          metrics.coalesced();
          continue;
        }
        notBefore = deliveries.lastProgressAttempt(lane).map(t -> t.plus(settings.progressInterval()))
            .filter(now::isBefore).orElse(now);
      }
      DeliveryRepository.NewDelivery delivery = new DeliveryRepository.NewDelivery(UUID.randomUUID(),
          lane.endpointId(), message.id(), message.eventType(), lane.orderingKey(), notBefore,
          now.plus(settings.retryFor()), null, storedAsset);
      Set<UUID> missing = awaited.getOrDefault(lane.endpointId(), Set.of());
      if (missing.isEmpty()) {
        deliveries.enqueue(delivery);
      } else {
        deliveries.enqueueHeld(delivery, now.plus(settings.completionHold()), missing);
      }
      created++;
    }
    if (storedAsset != null) {
      // After the asset.stored deliveries joined their lanes: a job.completed released now goes behind them.
      for (DeliveryRepository.HeldDelivery ready : deliveries.assetArrived(event.orderingKey(),
          lanes.stream().map(Lane::endpointId).toList(), storedAsset)) {
        if (deliveries.release(ready.id())) {
          metrics.completionReleased(DeliveryMetrics.RELEASED_BY_ASSETS);
        }
      }
    }
    metrics.fannedOut(event.type().wireName(), created);
    wakeAfterCommit();
    return created;
  }

  /**
   * For a {@code job.completed}: endpoint → the outputs whose {@code asset.stored} it waits for,
   * for each target subscribed to {@code asset.stored} too whose lane has not had them all.
   */
  private Map<UUID, Set<UUID>> awaitedAssets(WebhookEvent event, List<Endpoint> targets) {
    Set<UUID> outputs = event.awaitedAssets();
    if (outputs.isEmpty() || !settings.completionHold().isPositive()) {
      return Map.of();
    }
    List<UUID> subscribed = targets.stream()
        .filter(e -> EventTypeFilter.matches(e.eventTypes(), WebhookEventType.ASSET_STORED))
        .map(Endpoint::id)
        .toList();
    if (subscribed.isEmpty()) {
      return Map.of();
    }
    Map<UUID, Set<UUID>> had = deliveries.storedAssetsDelivered(subscribed, outputs);
    return subscribed.stream().collect(Collectors.toMap(id -> id, id -> {
      Set<UUID> missing = new LinkedHashSet<>(outputs);
      missing.removeAll(had.getOrDefault(id, Set.of()));
      return missing;
    }));
  }

  /**
   * Sends a test message to the endpoint alone: {@code webhook.test}, or an example of
   * {@code eventType} so a receiver can try its parsing.
   */
  public Delivery test(String userId, UUID endpointId, Optional<String> eventType) {
    Endpoint endpoint = enabledEndpoint(userId, endpointId);
    Instant now = clock.instant();
    String type = WebhookEventType.TEST;
    Object data = new EventPayloads.WebhookTest(endpoint.id(), "A test message from EmProps", now);
    if (eventType.isPresent()) {
      WebhookEventType chosen = WebhookEventType.byWireName(eventType.get())
          .filter(WebhookEventType::available)
          .orElseThrow(() -> ApiException.invalid("event_type", "must be an event type the suite produces"));
      type = chosen.wireName();
      data = EventSamples.of(chosen);
    }
    Message message = render(UUID.randomUUID(), userId, type, now, data);
    deliveries.insertMessage(message);
    Lane lane = new Lane(endpoint.id(), "test:" + message.id());
    return enqueued(lane, message.id(), type, null, now);
  }

  /** Sends a delivery's message again (same {@code webhook-id}), after what its lane holds now. */
  public Delivery replay(String userId, UUID endpointId, UUID deliveryId) {
    Endpoint endpoint = enabledEndpoint(userId, endpointId);
    Delivery original = deliveries.find(deliveryId)
        .filter(d -> d.endpointId().equals(endpoint.id()) && !Delivery.NOTICE.equals(d.status()))
        .orElseThrow(() -> ApiException.notFound("Delivery"));
    return enqueued(new Lane(endpoint.id(), original.orderingKey()), original.messageId(), original.eventType(),
        original.id(), clock.instant());
  }

  /**
   * Replays the deliveries created in {@code [since, until)} (only the failed ones unless
   * {@code onlyFailed} is false), oldest first, each after what its lane holds now.
   *
   * @return how many were replayed
   */
  public int replay(String userId, UUID endpointId, Instant since, Instant until, boolean onlyFailed) {
    if (!since.isBefore(until)) {
      throw ApiException.invalid("until", "must be after since");
    }
    Endpoint endpoint = enabledEndpoint(userId, endpointId);
    List<Delivery> originals = deliveries.createdBetween(endpoint.id(), since, until, onlyFailed, MAX_REPLAY);
    TreeSet<Lane> lanes = new TreeSet<>(Comparator.naturalOrder());
    originals.forEach(d -> lanes.add(new Lane(endpoint.id(), d.orderingKey())));
    deliveries.lockLanes(lanes);
    Instant now = clock.instant();
    for (Delivery original : originals) {
      deliveries.enqueue(new DeliveryRepository.NewDelivery(UUID.randomUUID(), endpoint.id(), original.messageId(),
          original.eventType(), original.orderingKey(), now, now.plus(settings.retryFor()), original.id()));
    }
    wakeAfterCommit();
    return originals.size();
  }

  @Transactional(readOnly = true)
  public List<Delivery> page(String userId, UUID endpointId, String status, int offset, int limit) {
    return deliveries.page(endpoints.get(userId, endpointId).id(), status, offset, limit);
  }

  @Transactional(readOnly = true)
  public long count(String userId, UUID endpointId, String status) {
    return deliveries.count(endpoints.get(userId, endpointId).id(), status);
  }

  /** A delivery with its attempts and message. */
  public record Detail(Delivery delivery, List<Attempt> attempts, Message message) {}

  @Transactional(readOnly = true)
  public Detail detail(String userId, UUID endpointId, UUID deliveryId) {
    Endpoint endpoint = endpoints.get(userId, endpointId);
    Delivery delivery = deliveries.find(deliveryId).filter(d -> d.endpointId().equals(endpoint.id()))
        .orElseThrow(() -> ApiException.notFound("Delivery"));
    return new Detail(delivery, deliveries.attempts(deliveryId), deliveries.message(delivery.messageId()).orElseThrow());
  }

  /** The message id of an event's webhook type: the same event always gives the same {@code webhook-id}. */
  public static UUID messageId(UUID sourceEventId, String type) {
    return UUID.nameUUIDFromBytes((sourceEventId + "|" + type).getBytes(StandardCharsets.UTF_8));
  }

  Message render(UUID id, String userId, String type, Instant occurredAt, Object data) {
    return new Message(id, userId, type, json.writeValueAsString(new Body(type, occurredAt, 1, data)), occurredAt);
  }

  private Delivery enqueued(Lane lane, UUID messageId, String type, UUID replayOf, Instant now) {
    deliveries.lockLanes(List.of(lane));
    UUID id = UUID.randomUUID();
    deliveries.enqueue(new DeliveryRepository.NewDelivery(id, lane.endpointId(), messageId, type, lane.orderingKey(),
        now, now.plus(settings.retryFor()), replayOf));
    wakeAfterCommit();
    return deliveries.find(id).orElseThrow();
  }

  private Endpoint enabledEndpoint(String userId, UUID endpointId) {
    Endpoint endpoint = endpoints.get(userId, endpointId);
    if (!endpoint.enabled()) {
      throw ApiException.conflict("The webhook is disabled (" + endpoint.disabledReason() + "); enable it first");
    }
    return endpoint;
  }

  private void wakeAfterCommit() {
    wakeAfterCommit(wakeup);
  }

  /** Wakes the dispatcher once the current transaction committed (at once without one). */
  static void wakeAfterCommit(DeliveryWakeup wakeup) {
    if (TransactionSynchronizationManager.isSynchronizationActive()) {
      TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
        @Override
        public void afterCommit() {
          wakeup.wake();
        }
      });
    } else {
      wakeup.wake();
    }
  }
}
