package io.emprops.gateway.ratelimit;

import io.emprops.gateway.config.GatewayProperties.Limit;
import java.time.Clock;
import java.util.List;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Fixed-window counters in Redis, shared by every gateway instance: one key per class, caller
 * and window, incremented and given its expiry atomically in one script, so a crash between the
 * two can never leave a counter that never expires.
 */
@Component
public class FixedWindowRateLimiter {

  static final String KEY_PREFIX = "gateway:rate:";

  private static final RedisScript<Long> COUNT = RedisScript.of("""
      local count = redis.call('INCR', KEYS[1])
      if count == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
      return count
      """, Long.class);

  private final ReactiveStringRedisTemplate redis;
  private final Clock clock;

  public FixedWindowRateLimiter(ReactiveStringRedisTemplate redis, Clock clock) {
    this.redis = redis;
    this.clock = clock;
  }

  /** Counts one request of {@code subject} (e.g. {@code user:42}) against {@code limit}. */
  public Mono<RateLimitDecision> count(RateLimitClass rateClass, String subject, Limit limit) {
    long windowSeconds = limit.window().toSeconds();
    long window = clock.instant().getEpochSecond() / windowSeconds;
    long reset = (window + 1) * windowSeconds;
    String key = KEY_PREFIX + rateClass.key() + ":" + subject + ":" + window;
    // One second beyond the window so the key never vanishes while its window is still current.
    return redis.execute(COUNT, List.of(key), List.of(Long.toString(windowSeconds + 1)))
        .single()
        .map(count -> new RateLimitDecision(
            count <= limit.limit(),
            limit.limit(),
            (int) Math.max(0, limit.limit() - count),
            reset));
  }
}
