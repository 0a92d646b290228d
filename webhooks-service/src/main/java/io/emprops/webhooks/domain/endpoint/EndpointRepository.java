package io.emprops.webhooks.domain.endpoint;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Endpoints and their sealed signing secrets. */
public interface EndpointRepository {

  /** A sealed signing secret; {@code expiresAt} null for the current one. */
  record SealedSecret(UUID id, byte[] sealed, Instant expiresAt) {}

  void insert(Endpoint endpoint);

  Optional<Endpoint> find(UUID id);

  /** The endpoint, locked until the transaction ends. */
  Optional<Endpoint> lock(UUID id);

  List<Endpoint> page(String userId, int offset, int limit);

  long count(String userId);

  void update(Endpoint endpoint);

  void delete(UUID id);

  /**
   * The user's enabled endpoints that existed when {@code occurredAt} happened (an endpoint gets the
   * events that happen after its creation).
   */
  List<Endpoint> enabledOf(String userId, Instant occurredAt);

  void insertSecret(UUID endpointId, SealedSecret secret);

  /**
   * The current secret expires at {@code expiresAt}; older ones still signing expire then at the
   * latest.
   */
  void expireSecrets(UUID endpointId, Instant expiresAt);

  /** The secrets that sign at {@code at}: the current one and those not expired yet, newest first. */
  List<SealedSecret> signingSecrets(UUID endpointId, Instant at);

  /**
   * Records a failed attempt at {@code at}: starts the failing run if none is under way.
   *
   * @return when the endpoint's failing run began, if it is still enabled
   */
  Optional<Instant> failed(UUID endpointId, Instant at);

  /** Records a successful attempt: the failing run, if any, is over. */
  void succeeded(UUID endpointId);

  /** @return whether this call disabled it (false when it was disabled already) */
  boolean disable(UUID endpointId, String reason, Instant at);

  int deleteExpiredSecrets(Instant before);
}
