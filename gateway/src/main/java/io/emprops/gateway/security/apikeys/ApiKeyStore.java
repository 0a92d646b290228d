package io.emprops.gateway.security.apikeys;

import io.emprops.gateway.config.GatewayProperties;
import io.emprops.web.identity.CallerIdentity;
import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * API keys in Redis, shared by every gateway instance and persisted by Redis (AOF):
 * <ul>
 *   <li>{@code gateway:api-key:<prefix>} — hash: id, user_id, roles, name, secret_hash, created_at
 *   <li>{@code gateway:api-keys:user:<userId>} — hash: key id → prefix (listing, revocation)
 * </ul>
 * Lookups are cached in memory for {@code emprops.gateway.api-keys.cache-ttl} (seconds), which
 * bounds how long a revoked key keeps working on another instance.
 */
@Component
public class ApiKeyStore {

  static final String KEY_PREFIX = "gateway:api-key:";
  static final String USER_INDEX_PREFIX = "gateway:api-keys:user:";
  private static final int MAX_CACHED_KEYS = 10_000;

  /** Creates the record and indexes it, unless the prefix is taken or the user has too many. */
  private static final RedisScript<Long> CREATE = RedisScript.of("""
      if redis.call('EXISTS', KEYS[1]) == 1 then return -1 end
      if redis.call('HLEN', KEYS[2]) >= tonumber(ARGV[7]) then return -2 end
      redis.call('HSET', KEYS[1], 'id', ARGV[1], 'user_id', ARGV[2], 'roles', ARGV[3],
          'name', ARGV[4], 'secret_hash', ARGV[5], 'created_at', ARGV[6])
      redis.call('HSET', KEYS[2], ARGV[1], ARGV[8])
      return 1
      """, Long.class);

  /** Removes the record and its index entry, if the index still points at that record. */
  private static final RedisScript<Long> DELETE = RedisScript.of("""
      if redis.call('HGET', KEYS[1], ARGV[1]) ~= ARGV[2] then return 0 end
      redis.call('DEL', KEYS[2])
      redis.call('HDEL', KEYS[1], ARGV[1])
      return 1
      """, Long.class);

  /** A key freshly created: the only moment its secret exists outside the caller's hands. */
  public record CreatedKey(ApiKey key, String secret) {}

  /** Why a key could not be created. */
  public static final class TooManyKeysException extends RuntimeException {
    TooManyKeysException(int max) {
      super("At most " + max + " API keys per user");
    }
  }

  private record CachedLookup(ApiKey key, String secretHash, Instant expiresAt) {}

  private final ReactiveStringRedisTemplate redis;
  private final GatewayProperties.ApiKeys settings;
  private final Clock clock;
  private final Map<String, CachedLookup> cache = new ConcurrentHashMap<>();

  public ApiKeyStore(ReactiveStringRedisTemplate redis, GatewayProperties properties, Clock clock) {
    this.redis = redis;
    this.settings = properties.apiKeys();
    this.clock = clock;
  }

  public Mono<CreatedKey> create(CallerIdentity owner, String name) {
    String userId = owner.requireUserId();
    return Mono.defer(() -> {
      String id = UUID.randomUUID().toString();
      String prefix = ApiKeyFormat.newPrefix();
      String secret = ApiKeyFormat.newKey(prefix);
      Instant createdAt = clock.instant();
      return redis.execute(CREATE,
              List.of(KEY_PREFIX + prefix, USER_INDEX_PREFIX + userId),
              List.of(id, userId, owner.rolesHeader(), name, ApiKeyFormat.digest(secret),
                  createdAt.toString(), Integer.toString(settings.maxKeysPerUser()), prefix))
          .single()
          .flatMap(result -> switch (result.intValue()) {
            case 1 -> Mono.just(new CreatedKey(
                new ApiKey(id, prefix, userId, owner.roles(), name, createdAt), secret));
            case -2 -> Mono.error(new TooManyKeysException(settings.maxKeysPerUser()));
            // A prefix collision (48 random bits): draw again.
            default -> Mono.empty();
          });
    }).repeatWhenEmpty(3, attempts -> attempts);
  }

  public Flux<ApiKey> list(String userId) {
    return redis.<String, String>opsForHash().entries(USER_INDEX_PREFIX + userId)
        .flatMap(entry -> load(entry.getValue()).map(CachedLookup::key))
        .sort(Comparator.comparing(ApiKey::createdAt));
  }

  /** Revokes the key {@code id} of {@code userId}; false when there is no such key of theirs. */
  public Mono<Boolean> revoke(String userId, String id) {
    String index = USER_INDEX_PREFIX + userId;
    return redis.<String, String>opsForHash().get(index, id)
        .flatMap(prefix -> redis.execute(DELETE, List.of(index, KEY_PREFIX + prefix), List.of(id, prefix))
            .single()
            .doOnNext(deleted -> cache.remove(prefix))
            .map(deleted -> deleted == 1))
        .defaultIfEmpty(false);
  }

  /** The key that {@code presented} is, if it is a live key. */
  public Mono<ApiKey> authenticate(String presented) {
    Optional<ApiKeyFormat.ParsedKey> parsed = ApiKeyFormat.parse(presented);
    if (parsed.isEmpty()) {
      return Mono.empty();
    }
    String prefix = parsed.get().prefix();
    CachedLookup cached = cache.get(prefix);
    Mono<CachedLookup> lookup = cached != null && cached.expiresAt().isAfter(clock.instant())
        ? Mono.just(cached)
        : load(prefix).doOnNext(found -> remember(prefix, found));
    return lookup
        .filter(found -> ApiKeyFormat.digestMatches(parsed.get().key(), found.secretHash()))
        .map(CachedLookup::key);
  }

  private Mono<CachedLookup> load(String prefix) {
    return redis.<String, String>opsForHash().entries(KEY_PREFIX + prefix)
        .collectMap(Map.Entry::getKey, Map.Entry::getValue)
        .filter(fields -> fields.containsKey("secret_hash"))
        .map(fields -> new CachedLookup(
            new ApiKey(fields.get("id"), prefix, fields.get("user_id"),
                CallerIdentity.parseRoles(fields.get("roles")), fields.get("name"),
                Instant.parse(fields.get("created_at"))),
            fields.get("secret_hash"),
            clock.instant().plus(settings.cacheTtl())));
  }

  private void remember(String prefix, CachedLookup lookup) {
    if (cache.size() >= MAX_CACHED_KEYS) {
      // Keys of callers that went quiet: drop them rather than grow without bound.
      Instant now = clock.instant();
      cache.values().removeIf(entry -> entry.expiresAt().isBefore(now));
    }
    cache.put(prefix, lookup);
  }
}
