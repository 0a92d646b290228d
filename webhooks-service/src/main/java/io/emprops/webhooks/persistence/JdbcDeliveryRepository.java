package io.emprops.webhooks.persistence;

import static io.emprops.webhooks.persistence.JdbcEndpointRepository.instant;
import static io.emprops.webhooks.persistence.JdbcEndpointRepository.ts;

import io.emprops.webhooks.domain.delivery.Attempt;
import io.emprops.webhooks.domain.delivery.AttemptResult;
import io.emprops.webhooks.domain.delivery.ClaimedDelivery;
import io.emprops.webhooks.domain.delivery.Delivery;
import io.emprops.webhooks.domain.delivery.DeliveryRepository;
import io.emprops.webhooks.domain.delivery.Lane;
import io.emprops.webhooks.domain.delivery.Message;
import io.emprops.webhooks.domain.endpoint.EndpointRepository.SealedSecret;
import java.net.URI;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

@Repository
class JdbcDeliveryRepository implements DeliveryRepository {

  private static final UUID NONE = new UUID(0, 0);
  private static final String ACTIVE = "('queued', 'pending', 'sending')";
  /** In its lane: not held (a held delivery is outside its lane until released). */
  private static final String IN_LANE = " AND held_until IS NULL ";

  private final JdbcClient jdbc;
  /** The service's time for due deliveries, leases and expired secrets (the database's own clock is not used). */
  private final Clock clock;

  JdbcDeliveryRepository(JdbcClient jdbc, Clock clock) {
    this.jdbc = jdbc;
    this.clock = clock;
  }

  private Timestamp now() {
    return ts(clock.instant());
  }

  @Override
  public boolean insertMessage(Message m) {
    return jdbc.sql("""
            INSERT INTO messages (id, user_id, event_type, body, occurred_at) VALUES (:id, :user, :type, :body, :at)
            ON CONFLICT (id) DO NOTHING""")
        .param("id", m.id()).param("user", m.userId()).param("type", m.eventType()).param("body", m.body())
        .param("at", ts(m.occurredAt())).update() == 1;
  }

  @Override
  public Optional<Message> message(UUID id) {
    return jdbc.sql("SELECT id, user_id, event_type, body, occurred_at FROM messages WHERE id = :id").param("id", id)
        .query((rs, n) -> new Message(rs.getObject("id", UUID.class), rs.getString("user_id"),
            rs.getString("event_type"), rs.getString("body"), instant(rs, "occurred_at")))
        .optional();
  }

  @Override
  public void lockLanes(Collection<Lane> lanes) {
    if (lanes.isEmpty()) {
      return;
    }
    String keys = lanes.stream().map(Lane::lockKey).distinct().sorted().map(String::valueOf)
        .collect(Collectors.joining(","));
    // The sorted subquery feeds the locks in ascending order: every transaction locks lanes in one order.
    jdbc.sql("""
            SELECT count(pg_advisory_xact_lock(k)) FROM (
              SELECT k FROM unnest(string_to_array(:keys, ',')::bigint[]) AS k ORDER BY k) sorted""")
        .param("keys", keys).query(Long.class).single();
  }

  @Override
  public void enqueue(NewDelivery d) {
    jdbc.sql("""
            INSERT INTO deliveries (id, endpoint_id, message_id, event_type, ordering_key, status, next_attempt_at,
                                    deliver_by, replay_of, asset_id)
            SELECT :id, :endpoint, :message, :type, :key,
                   CASE WHEN EXISTS (SELECT 1 FROM deliveries WHERE endpoint_id = :endpoint AND ordering_key = :key
                                     AND status IN""" + ACTIVE + IN_LANE + """
            ) THEN 'queued' ELSE 'pending' END,
                   :notBefore, :deliverBy, :replayOf, :asset""")
        .param("id", d.id()).param("endpoint", d.endpointId()).param("message", d.messageId())
        .param("type", d.eventType()).param("key", d.orderingKey()).param("notBefore", ts(d.notBefore()))
        .param("deliverBy", ts(d.deliverBy())).param("replayOf", d.replayOf()).param("asset", d.assetId())
        .update();
  }

  @Override
  public void enqueueHeld(NewDelivery d, Instant until, Collection<UUID> awaitedAssets) {
    // next_attempt_at: the latest it joins its lane (what the log shows as its next attempt).
    jdbc.sql("""
            INSERT INTO deliveries (id, endpoint_id, message_id, event_type, ordering_key, status, next_attempt_at,
                                    deliver_by, replay_of, asset_id, held_until, awaited_assets)
            VALUES (:id, :endpoint, :message, :type, :key, 'queued', :until, :deliverBy, :replayOf, :asset, :until,
                    CAST(string_to_array(:awaited, ',') AS uuid[]))""")
        .param("id", d.id()).param("endpoint", d.endpointId()).param("message", d.messageId())
        .param("type", d.eventType()).param("key", d.orderingKey()).param("until", ts(until))
        .param("deliverBy", ts(d.deliverBy())).param("replayOf", d.replayOf()).param("asset", d.assetId())
        .param("awaited", awaitedAssets.stream().map(UUID::toString).collect(Collectors.joining(",")))
        .update();
  }

  @Override
  public Map<UUID, Set<UUID>> storedAssetsDelivered(Collection<UUID> endpointIds, Collection<UUID> assets) {
    Map<UUID, Set<UUID>> delivered = new HashMap<>();
    if (endpointIds.isEmpty() || assets.isEmpty()) {
      return delivered;
    }
    jdbc.sql("""
            SELECT endpoint_id, asset_id FROM deliveries
            WHERE asset_id IN (:assets) AND endpoint_id IN (:endpoints) AND event_type = 'asset.stored'""")
        .param("endpoints", List.copyOf(endpointIds)).param("assets", List.copyOf(assets))
        .query((rs, n) -> delivered.computeIfAbsent(rs.getObject("endpoint_id", UUID.class), e -> new HashSet<>())
            .add(rs.getObject("asset_id", UUID.class)))
        .list();
    return delivered;
  }

  @Override
  public List<HeldDelivery> assetArrived(String orderingKey, Collection<UUID> endpointIds, UUID assetId) {
    if (endpointIds.isEmpty()) {
      return List.of();
    }
    // A hold in another lane (a retry's job.completed awaiting an output stored under the original
    // job) that now awaits nothing is due at once: CompletionHolds releases it under its own lane's lock.
    return jdbc.sql("""
            UPDATE deliveries SET awaited_assets = array_remove(awaited_assets, CAST(:asset AS uuid)),
                   held_until = CASE WHEN ordering_key <> :key
                                      AND cardinality(array_remove(awaited_assets, CAST(:asset AS uuid))) = 0
                                     THEN CAST(:now AS timestamptz) ELSE held_until END
            WHERE endpoint_id IN (:endpoints) AND held_until IS NOT NULL
              AND status = 'queued' AND CAST(:asset AS uuid) = ANY (awaited_assets)
            RETURNING id, endpoint_id, ordering_key, cardinality(awaited_assets) AS awaiting""")
        .param("asset", assetId).param("endpoints", List.copyOf(endpointIds)).param("key", orderingKey)
        .param("now", now())
        .query((rs, n) -> rs.getInt("awaiting") == 0 && orderingKey.equals(rs.getString("ordering_key")) ? held(rs) : null)
        .list().stream().filter(Objects::nonNull).toList();
  }

  @Override
  public List<HeldDelivery> holdsEnded(Instant now, int limit) {
    return jdbc.sql("""
            SELECT id, endpoint_id, ordering_key, cardinality(awaited_assets) AS awaiting FROM deliveries
            WHERE held_until IS NOT NULL AND held_until <= :now AND status = 'queued'
            ORDER BY held_until LIMIT :limit""")
        .param("now", ts(now)).param("limit", limit)
        .query((rs, n) -> held(rs))
        .list();
  }

  @Override
  public boolean release(UUID deliveryId) {
    // seq = DEFAULT: a new place, after everything its lane holds now (a lane's order is seq's).
    return jdbc.sql("""
            UPDATE deliveries d SET held_until = NULL, awaited_assets = NULL, seq = DEFAULT,
                   next_attempt_at = CAST(:now AS timestamptz),
                   status = CASE WHEN EXISTS (SELECT 1 FROM deliveries o WHERE o.endpoint_id = d.endpoint_id
                                               AND o.ordering_key = d.ordering_key AND o.id <> d.id
                                               AND o.held_until IS NULL AND o.status IN""" + ACTIVE + """
                                 ) THEN 'queued' ELSE 'pending' END
            WHERE d.id = :id AND d.held_until IS NOT NULL AND d.status = 'queued'""")
        .param("id", deliveryId).param("now", now())
        .update() == 1;
  }

  private static HeldDelivery held(ResultSet rs) throws SQLException {
    return new HeldDelivery(rs.getObject("id", UUID.class),
        new Lane(rs.getObject("endpoint_id", UUID.class), rs.getString("ordering_key")),
        rs.getInt("awaiting") == 0);
  }

  @Override
  public boolean replaceUnsentProgress(Lane lane, UUID messageId) {
    return jdbc.sql("""
            UPDATE deliveries SET message_id = :message
            WHERE id = (SELECT id FROM deliveries WHERE endpoint_id = :endpoint AND ordering_key = :key
                        AND status IN""" + ACTIVE + IN_LANE + """
             ORDER BY seq DESC LIMIT 1)
              AND event_type = 'job.progress' AND status IN ('queued', 'pending') AND attempts = 0""")
        .param("message", messageId).param("endpoint", lane.endpointId()).param("key", lane.orderingKey())
        .update() == 1;
  }

  @Override
  public Optional<Instant> lastProgressAttempt(Lane lane) {
    return jdbc.sql("""
            SELECT coalesce(last_attempt_at, next_attempt_at) FROM deliveries
            WHERE endpoint_id = :endpoint AND ordering_key = :key AND event_type = 'job.progress'
            ORDER BY seq DESC LIMIT 1""")
        .param("endpoint", lane.endpointId()).param("key", lane.orderingKey())
        .query((rs, n) -> rs.getTimestamp(1).toInstant()).optional();
  }

  @Override
  public List<ClaimedDelivery> claim(int limit, int perEndpoint, Collection<UUID> busyEndpoints, Duration lease) {
    record Row(UUID id, UUID endpointId, URI url, UUID messageId, String type, String key, int attempt,
        Instant deliverBy, Instant occurredAt, String body) {}
    List<Row> rows = jdbc.sql("""
            WITH candidates AS (
              SELECT d.id, d.endpoint_id, d.next_attempt_at FROM deliveries d
              JOIN endpoints e ON e.id = d.endpoint_id AND e.enabled
              WHERE d.status IN ('pending', 'sending') AND d.next_attempt_at <= CAST(:now AS timestamptz) AND d.endpoint_id NOT IN (:busy)
              ORDER BY d.next_attempt_at LIMIT :scan
              FOR UPDATE OF d SKIP LOCKED),
            chosen AS (
              SELECT id FROM (SELECT id, next_attempt_at,
                                     row_number() OVER (PARTITION BY endpoint_id ORDER BY next_attempt_at) AS n
                              FROM candidates) c
              WHERE n <= :perEndpoint ORDER BY next_attempt_at LIMIT :limit)
            UPDATE deliveries d SET status = 'sending', attempts = d.attempts + 1, last_attempt_at = CAST(:now AS timestamptz),
                   next_attempt_at = CAST(:now AS timestamptz) + make_interval(secs => :lease)
            FROM chosen, messages m, endpoints e
            WHERE d.id = chosen.id AND m.id = d.message_id AND e.id = d.endpoint_id
            RETURNING d.id, d.endpoint_id, e.url, d.message_id, d.event_type, d.ordering_key, d.attempts,
                      d.deliver_by, m.occurred_at, m.body""")
        .param("busy", busyEndpoints.isEmpty() ? List.of(NONE) : List.copyOf(busyEndpoints))
        .param("scan", limit * 4).param("perEndpoint", perEndpoint).param("limit", limit)
        .param("lease", lease.toMillis() / 1000.0).param("now", now())
        .query((rs, n) -> new Row(rs.getObject("id", UUID.class), rs.getObject("endpoint_id", UUID.class),
            URI.create(rs.getString("url")), rs.getObject("message_id", UUID.class), rs.getString("event_type"),
            rs.getString("ordering_key"), rs.getInt("attempts"), instant(rs, "deliver_by"),
            instant(rs, "occurred_at"), rs.getString("body")))
        .list();
    if (rows.isEmpty()) {
      return List.of();
    }
    Map<UUID, List<SealedSecret>> secrets = new HashMap<>();
    jdbc.sql("""
            SELECT endpoint_id, id, sealed, expires_at FROM endpoint_secrets
            WHERE endpoint_id IN (:endpoints) AND (expires_at IS NULL OR expires_at > :now)
            ORDER BY created_at DESC""")
        .param("endpoints", rows.stream().map(Row::endpointId).distinct().toList())
        .param("now", now())
        .query((rs, n) -> {
          secrets.computeIfAbsent(rs.getObject("endpoint_id", UUID.class), e -> new ArrayList<>())
              .add(new SealedSecret(rs.getObject("id", UUID.class), rs.getBytes("sealed"), instant(rs, "expires_at")));
          return null;
        })
        .list();
    return rows.stream().map(r -> new ClaimedDelivery(r.id(), r.endpointId(), r.url(), r.messageId(), r.type(),
        r.key(), r.attempt(), r.deliverBy(), r.occurredAt(), r.body(), secrets.getOrDefault(r.endpointId(), List.of())))
        .toList();
  }

  @Override
  public Optional<Instant> nextDue() {
    return jdbc.sql("""
            SELECT min(d.next_attempt_at) FROM deliveries d JOIN endpoints e ON e.id = d.endpoint_id AND e.enabled
            WHERE d.status IN ('pending', 'sending')""")
        .query((rs, n) -> rs.getTimestamp(1)).optional().filter(java.util.Objects::nonNull)
        .map(java.sql.Timestamp::toInstant);
  }

  @Override
  public boolean recordAttempt(ClaimedDelivery d, AttemptResult r, Instant attemptedAt) {
    int mine = jdbc.sql("""
            UPDATE deliveries SET last_attempt_at = :at, last_status_code = :code, last_duration_ms = :ms,
                   last_error = :error
            WHERE id = :id AND status = 'sending' AND attempts = :attempt""")
        .param("id", d.id()).param("attempt", d.attempt()).param("at", ts(attemptedAt))
        .param("code", r.statusCode()).param("ms", (int) r.durationMs()).param("error", r.error())
        .update();
    if (mine == 0) {
      return false;
    }
    jdbc.sql("""
            INSERT INTO delivery_attempts (delivery_id, attempt, attempted_at, status_code, duration_ms, error,
                                           response_body)
            VALUES (:id, :attempt, :at, :code, :ms, :error, :body) ON CONFLICT DO NOTHING""")
        .param("id", d.id()).param("attempt", d.attempt()).param("at", ts(attemptedAt))
        .param("code", r.statusCode()).param("ms", (int) r.durationMs()).param("error", r.error())
        .param("body", r.responseBody())
        .update();
    return true;
  }

  @Override
  public void delivered(ClaimedDelivery d, AttemptResult r, Instant at) {
    jdbc.sql("UPDATE deliveries SET status = 'delivered', finished_at = :at WHERE id = :id")
        .param("id", d.id()).param("at", ts(at)).update();
  }

  @Override
  public void retryAt(ClaimedDelivery d, AttemptResult r, Instant next) {
    jdbc.sql("UPDATE deliveries SET status = 'pending', next_attempt_at = :next WHERE id = :id")
        .param("id", d.id()).param("next", ts(next)).update();
  }

  @Override
  public void failed(ClaimedDelivery d, AttemptResult r, Instant at, String reason) {
    jdbc.sql("UPDATE deliveries SET status = 'failed', finished_at = :at, last_error = :reason WHERE id = :id")
        .param("id", d.id()).param("at", ts(at)).param("reason", reason).update();
  }

  @Override
  public void advance(Lane lane) {
    jdbc.sql("""
            UPDATE deliveries SET status = 'pending', next_attempt_at = greatest(next_attempt_at, CAST(:now AS timestamptz))
            WHERE id = (SELECT id FROM deliveries WHERE endpoint_id = :endpoint AND ordering_key = :key
                        AND status = 'queued' AND held_until IS NULL ORDER BY seq LIMIT 1)
              AND NOT EXISTS (SELECT 1 FROM deliveries WHERE endpoint_id = :endpoint AND ordering_key = :key
                              AND status IN ('pending', 'sending'))""")
        .param("endpoint", lane.endpointId()).param("key", lane.orderingKey()).param("now", now()).update();
  }

  @Override
  public int failUnfinished(UUID endpointId, String reason) {
    return jdbc.sql("UPDATE deliveries SET status = 'failed', finished_at = :now, last_error = :reason,"
            + " held_until = NULL, awaited_assets = NULL WHERE endpoint_id = :endpoint AND status IN" + ACTIVE)
        .param("endpoint", endpointId).param("reason", reason).param("now", now()).update();
  }

  @Override
  public void insertNotice(UUID id, UUID endpointId, Message message) {
    jdbc.sql("""
            INSERT INTO deliveries (id, endpoint_id, message_id, event_type, ordering_key, status, deliver_by,
                                    finished_at, last_error)
            VALUES (:id, :endpoint, :message, :type, :key, 'notice', :now, :now, :note)""")
        .param("id", id).param("endpoint", endpointId).param("message", message.id()).param("now", now())
        .param("type", message.eventType()).param("key", "notice:" + id)
        .param("note", "not sent: a note for the endpoint's owner")
        .update();
  }

  @Override
  public Optional<Delivery> find(UUID deliveryId) {
    return jdbc.sql("SELECT * FROM deliveries WHERE id = :id").param("id", deliveryId).query(this::delivery).optional();
  }

  @Override
  public List<Delivery> page(UUID endpointId, String status, int offset, int limit) {
    return jdbc.sql("""
            SELECT * FROM deliveries WHERE endpoint_id = :endpoint AND (CAST(:status AS text) IS NULL OR status = :status)
            ORDER BY created_at DESC, seq DESC OFFSET :offset LIMIT :limit""")
        .param("endpoint", endpointId).param("status", status).param("offset", offset).param("limit", limit)
        .query(this::delivery).list();
  }

  @Override
  public long count(UUID endpointId, String status) {
    return jdbc.sql("""
            SELECT count(*) FROM deliveries WHERE endpoint_id = :endpoint
              AND (CAST(:status AS text) IS NULL OR status = :status)""")
        .param("endpoint", endpointId).param("status", status).query(Long.class).single();
  }

  @Override
  public List<Attempt> attempts(UUID deliveryId) {
    return jdbc.sql("SELECT * FROM delivery_attempts WHERE delivery_id = :id ORDER BY attempt")
        .param("id", deliveryId)
        .query((rs, n) -> new Attempt(rs.getInt("attempt"), instant(rs, "attempted_at"),
            (Integer) rs.getObject("status_code"), rs.getInt("duration_ms"), rs.getString("error"),
            rs.getString("response_body")))
        .list();
  }

  @Override
  public List<Delivery> createdBetween(UUID endpointId, Instant since, Instant until, boolean onlyFailed, int limit) {
    return jdbc.sql("""
            SELECT * FROM deliveries WHERE endpoint_id = :endpoint AND created_at >= :since AND created_at < :until
              AND status <> 'notice' AND (NOT :onlyFailed OR status = 'failed')
            ORDER BY seq LIMIT :limit""")
        .param("endpoint", endpointId).param("since", ts(since)).param("until", ts(until))
        .param("onlyFailed", onlyFailed).param("limit", limit)
        .query(this::delivery).list();
  }

  @Override
  public int deleteFinishedBefore(Instant before) {
    int deliveries = jdbc.sql("""
            DELETE FROM deliveries WHERE status IN ('delivered', 'failed', 'notice') AND finished_at < :before""")
        .param("before", ts(before)).update();
    jdbc.sql("""
            DELETE FROM messages m WHERE created_at < :before
              AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.message_id = m.id)""")
        .param("before", ts(before)).update();
    return deliveries;
  }

  @Override
  public long dueCount() {
    return jdbc.sql("SELECT count(*) FROM deliveries WHERE status IN ('pending', 'sending') AND next_attempt_at <= :now")
        .param("now", now()).query(Long.class).single();
  }

  @Override
  public Duration oldestDueAge() {
    return jdbc.sql("""
            SELECT coalesce(extract(epoch FROM CAST(:now AS timestamptz) - min(next_attempt_at)) * 1000, 0) FROM deliveries
            WHERE status IN ('pending', 'sending') AND next_attempt_at <= CAST(:now AS timestamptz)""")
        .param("now", now())
        .query((rs, n) -> Duration.ofMillis(Math.max(0, rs.getLong(1)))).single();
  }

  private Delivery delivery(ResultSet rs, int row) throws SQLException {
    return new Delivery(rs.getObject("id", UUID.class), rs.getObject("endpoint_id", UUID.class),
        rs.getObject("message_id", UUID.class), rs.getString("event_type"), rs.getString("ordering_key"),
        rs.getString("status"), rs.getInt("attempts"), instant(rs, "next_attempt_at"), instant(rs, "last_attempt_at"),
        (Integer) rs.getObject("last_status_code"), (Integer) rs.getObject("last_duration_ms"),
        rs.getString("last_error"), rs.getObject("replay_of", UUID.class), instant(rs, "created_at"),
        instant(rs, "finished_at"));
  }
}
