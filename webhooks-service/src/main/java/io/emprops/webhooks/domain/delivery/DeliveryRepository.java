package io.emprops.webhooks.domain.delivery;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The messages and the delivery queue. A lane is an endpoint's deliveries with one ordering key;
 * only its oldest unfinished delivery is ever due, so a lane's deliveries arrive in order. Methods
 * that change a lane take its lock first ({@link #lockLanes}), always in ascending lock order.
 *
 * <p>A held delivery (a {@code job.completed} waiting for its outputs' {@code asset.stored}) is
 * {@code queued} but outside its lane: the lane's other deliveries neither wait for it nor are
 * overtaken by it, until it is {@linkplain #release released} to the lane's end.
 */
public interface DeliveryRepository {

  /**
   * A delivery to create.
   *
   * @param assetId for an {@code asset.stored} delivery, the asset (null for other types)
   */
  record NewDelivery(UUID id, UUID endpointId, UUID messageId, String eventType, String orderingKey,
      Instant notBefore, Instant deliverBy, UUID replayOf, UUID assetId) {

    public NewDelivery(UUID id, UUID endpointId, UUID messageId, String eventType, String orderingKey,
        Instant notBefore, Instant deliverBy, UUID replayOf) {
      this(id, endpointId, messageId, eventType, orderingKey, notBefore, deliverBy, replayOf, null);
    }
  }

  /**
   * A held delivery and its lane.
   *
   * @param awaitsNothing whether every awaited {@code asset.stored} arrived (else its bound ran out)
   */
  record HeldDelivery(UUID id, Lane lane, boolean awaitsNothing) {}

  /** @return false when the message exists already (a redelivered event) */
  boolean insertMessage(Message message);

  Optional<Message> message(UUID id);

  /** Locks the lanes of {@code (endpoint, key)} pairs for the transaction, in a deadlock-free order. */
  void lockLanes(Collection<Lane> lanes);

  /** Adds the delivery at the end of its lane: due at once if the lane is empty, queued otherwise. */
  void enqueue(NewDelivery delivery);

  /**
   * Adds the delivery held, outside its lane, waiting for the {@code asset.stored} of
   * {@code awaitedAssets} until {@code until} at the latest.
   */
  void enqueueHeld(NewDelivery delivery, Instant until, Collection<UUID> awaitedAssets);

  /**
   * Which of {@code assets} have had an {@code asset.stored} delivery (in any status, in any lane:
   * a retry lists outputs stored under the job it retries) to {@code endpointIds}: endpoint → those
   * asset ids.
   */
  Map<UUID, Set<UUID>> storedAssetsDelivered(Collection<UUID> endpointIds, Collection<UUID> assets);

  /**
   * The asset's {@code asset.stored} joined the lanes of {@code endpointIds} with
   * {@code orderingKey}: their held deliveries stop waiting for it. A held delivery of another lane
   * (a retry's {@code job.completed}, the asset stored under the original job) that now waits for
   * nothing becomes due for {@link #holdsEnded} at once.
   *
   * @return the held deliveries of the {@code orderingKey} lanes that now wait for nothing more
   */
  List<HeldDelivery> assetArrived(String orderingKey, Collection<UUID> endpointIds, UUID assetId);

  /** Held deliveries whose hold has run out at {@code now}, oldest first. */
  List<HeldDelivery> holdsEnded(Instant now, int limit);

  /**
   * Moves a held delivery to the end of its lane: due at once when nothing else of the lane is
   * unfinished, queued otherwise. The caller holds the lane's lock.
   *
   * @return false when it is not held (released already, failed)
   */
  boolean release(UUID deliveryId);

  /**
   * Replaces the message of the lane's last delivery if it is a {@code job.progress} not attempted
   * yet (coalescing): the endpoint will get the newer progress instead of both.
   */
  boolean replaceUnsentProgress(Lane lane, UUID messageId);

  /** When the lane's last {@code job.progress} delivery was (or is to be) attempted. */
  Optional<Instant> lastProgressAttempt(Lane lane);

  /**
   * Claims due deliveries for one attempt each until {@code now + lease}, at most
   * {@code perEndpoint} per endpoint and none of {@code busyEndpoints}; other instances skip them.
   */
  List<ClaimedDelivery> claim(int limit, int perEndpoint, Collection<UUID> busyEndpoints, Duration lease);

  /** When the next delivery becomes due, if any is waiting. */
  Optional<Instant> nextDue();

  /** Records the attempt; false when the delivery is no longer this attempt's (a lease ran out, it was deleted). */
  boolean recordAttempt(ClaimedDelivery delivery, AttemptResult result, Instant attemptedAt);

  void delivered(ClaimedDelivery delivery, AttemptResult result, Instant at);

  void retryAt(ClaimedDelivery delivery, AttemptResult result, Instant next);

  void failed(ClaimedDelivery delivery, AttemptResult result, Instant at, String reason);

  /** Makes the lane's next queued delivery due, if its head has finished. */
  void advance(Lane lane);

  /** Fails every unfinished delivery of the endpoint (it was disabled). */
  int failUnfinished(UUID endpointId, String reason);

  /** A delivery that is a note in the log, never sent. */
  void insertNotice(UUID id, UUID endpointId, Message message);

  Optional<Delivery> find(UUID deliveryId);

  List<Delivery> page(UUID endpointId, String status, int offset, int limit);

  long count(UUID endpointId, String status);

  List<Attempt> attempts(UUID deliveryId);

  /** Deliveries created in {@code [since, until)}, oldest first, notices excluded. */
  List<Delivery> createdBetween(UUID endpointId, Instant since, Instant until, boolean onlyFailed, int limit);

  /** Retention: finished deliveries older than {@code before}, then messages no delivery refers to. */
  int deleteFinishedBefore(Instant before);

  /** Gauges: deliveries due now, and how long the oldest of them has been due. */
  long dueCount();

  Duration oldestDueAge();
}
