package io.emprops.webhooks.domain.endpoint;

import io.emprops.web.api.ApiException;
import io.emprops.web.api.ApiResponse.FieldError;
import io.emprops.web.api.ErrorCode;
import io.emprops.web.crypto.SecretBox;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Users' endpoints: registration (with a signing secret shown once), changes, rotation of the
 * secret with an overlap in which old and new both sign ({@link SigningKeys} opens them for attempts).
 * Every method is one transaction; an endpoint is only ever visible to its owner (404 otherwise).
 */
@Service
@Transactional
public class Endpoints {

  /** What {@code POST /webhooks} and {@code rotate-secret} return once: the secret in the clear. */
  public record WithSecret(Endpoint endpoint, String secret, Instant previousSecretExpiresAt) {}

  /** A partial update: absent fields stay as they are. */
  public record Changes(Optional<String> url, Optional<List<String>> eventTypes, Optional<Optional<String>> description,
      Optional<Boolean> enabled) {}

  public static final int MAX_DESCRIPTION = 500;

  private final EndpointRepository endpoints;
  private final SecretBox secrets;
  private final OutboundPolicy policy;
  private final HostResolver resolver;
  private final int maxPerUser;
  private final Duration maxOverlap;
  private final Clock clock;

  public Endpoints(EndpointRepository endpoints, SecretBox secrets, OutboundPolicy policy, HostResolver resolver,
      EndpointLimits limits, Clock clock) {
    this.endpoints = endpoints;
    this.secrets = secrets;
    this.policy = policy;
    this.resolver = resolver;
    this.maxPerUser = limits.maxPerUser();
    this.maxOverlap = limits.maxRotationOverlap();
    this.clock = clock;
  }

  public WithSecret create(String userId, String url, List<String> eventTypes, String description, boolean enabled) {
    List<FieldError> problems = new ArrayList<>();
    URI checked = checkUrl(url, problems::add);
    checkEventTypes(eventTypes, problems::add);
    checkDescription(description, problems::add);
    reject(problems);
    if (endpoints.count(userId) >= maxPerUser) {
      throw new ApiException(ErrorCode.CONFLICT, "At most " + maxPerUser + " webhook endpoints per user");
    }
    Instant now = clock.instant();
    Endpoint endpoint = new Endpoint(UUID.randomUUID(), userId, checked, blankToNull(description),
        List.copyOf(eventTypes), enabled, enabled ? null : "disabled by its owner", enabled ? null : now, null, now, now);
    endpoints.insert(endpoint);
    String secret = newSecret(endpoint.id());
    return new WithSecret(endpoint, secret, null);
  }

  @Transactional(readOnly = true)
  public Endpoint get(String userId, UUID id) {
    return endpoints.find(id).filter(e -> e.userId().equals(userId)).orElseThrow(() -> ApiException.notFound("Webhook"));
  }

  @Transactional(readOnly = true)
  public List<Endpoint> page(String userId, int offset, int limit) {
    return endpoints.page(userId, offset, limit);
  }

  @Transactional(readOnly = true)
  public long count(String userId) {
    return endpoints.count(userId);
  }

  /** Applies {@code changes}; enabling a disabled endpoint also ends its failing run. */
  public Endpoint update(String userId, UUID id, Changes changes) {
    Endpoint current = owned(userId, id);
    List<FieldError> problems = new ArrayList<>();
    URI url = changes.url().map(u -> checkUrl(u, problems::add)).orElse(current.url());
    changes.eventTypes().ifPresent(types -> checkEventTypes(types, problems::add));
    changes.description().flatMap(d -> d).ifPresent(d -> checkDescription(d, problems::add));
    reject(problems);
    Instant now = clock.instant();
    boolean enabled = changes.enabled().orElse(current.enabled());
    boolean reenabled = enabled && !current.enabled();
    boolean disabling = !enabled && current.enabled();
    Endpoint updated = new Endpoint(current.id(), current.userId(), url,
        changes.description().isPresent()
            ? changes.description().get().map(Endpoints::blankToNull).orElse(null) : current.description(),
        changes.eventTypes().map(List::copyOf).orElse(current.eventTypes()), enabled,
        enabled ? null : disabling ? "disabled by its owner" : current.disabledReason(),
        enabled ? null : disabling ? now : current.disabledAt(),
        reenabled ? null : current.failingSince(), current.createdAt(), now);
    endpoints.update(updated);
    return updated;
  }

  public void delete(String userId, UUID id) {
    owned(userId, id);
    endpoints.delete(id);
  }

  /**
   * A new current secret; the previous one keeps signing for {@code overlap} (both signatures go
   * with every attempt meanwhile), so receivers can switch without losing a message.
   */
  public WithSecret rotate(String userId, UUID id, Duration overlap) {
    if (overlap.isNegative() || overlap.compareTo(maxOverlap) > 0) {
      throw ApiException.invalid("overlap_seconds", "must be between 0 and " + maxOverlap.toSeconds());
    }
    Endpoint endpoint = owned(userId, id);
    Instant expires = clock.instant().plus(overlap);
    endpoints.expireSecrets(id, expires);
    return new WithSecret(endpoint, newSecret(id), expires);
  }

  private Endpoint owned(String userId, UUID id) {
    return endpoints.lock(id).filter(e -> e.userId().equals(userId)).orElseThrow(() -> ApiException.notFound("Webhook"));
  }

  private String newSecret(UUID endpointId) {
    String secret = SigningSecret.generate();
    UUID secretId = UUID.randomUUID();
    endpoints.insertSecret(endpointId, new EndpointRepository.SealedSecret(secretId, secrets.seal(secretId.toString(),
        secret), null));
    return secret;
  }

  /**
   * The URL's own rules, then its host's addresses as they resolve now: an endpoint pointing into
   * private space is refused at once. A host that does not resolve yet is accepted (the receiver
   * may not be deployed yet); every attempt resolves and checks again.
   */
  private URI checkUrl(String url, Consumer<FieldError> problems) {
    URI uri;
    try {
      uri = policy.parse(url);
    } catch (IllegalArgumentException e) {
      problems.accept(new FieldError("url", e.getMessage()));
      return null;
    }
    try {
      for (InetAddress address : resolver.resolve(uri.getHost())) {
        if (!policy.allows(address)) {
          problems.accept(new FieldError("url", "host " + uri.getHost()
              + " resolves to a private, loopback or reserved address; webhooks go to public addresses only"));
          return null;
        }
      }
    } catch (UnknownHostException e) {
      // accepted: see above
    }
    return uri;
  }

  private static void checkEventTypes(List<String> types, Consumer<FieldError> problems) {
    if (types == null || types.isEmpty()) {
      problems.accept(new FieldError("event_types", "must list at least one event type (or *)"));
      return;
    }
    if (types.size() > EventTypeFilter.MAX_ENTRIES) {
      problems.accept(new FieldError("event_types", "must have at most " + EventTypeFilter.MAX_ENTRIES + " entries"));
      return;
    }
    for (int i = 0; i < types.size(); i++) {
      int index = i;
      EventTypeFilter.problem(types.get(i)).ifPresent(p -> problems.accept(new FieldError("event_types[" + index + "]", p)));
    }
  }

  private static void checkDescription(String description, Consumer<FieldError> problems) {
    if (description != null && description.length() > MAX_DESCRIPTION) {
      problems.accept(new FieldError("description", "must be at most " + MAX_DESCRIPTION + " characters"));
    }
  }

  private static void reject(List<FieldError> problems) {
    if (!problems.isEmpty()) {
      throw new ApiException(ErrorCode.VALIDATION_FAILED, "Validation failed", problems);
    }
  }

  private static String blankToNull(String text) {
    return text == null || text.isBlank() ? null : text.strip();
  }
}
