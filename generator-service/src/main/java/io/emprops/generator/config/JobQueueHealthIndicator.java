package io.emprops.generator.config;

import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/** {@code jobQueue} in readiness: the job queue's Redis answers a PING on the generator's queue connection. */
@Component("jobQueueHealthIndicator")
public class JobQueueHealthIndicator implements HealthIndicator {

  static final Duration PING_TIMEOUT = Duration.ofSeconds(2);

  private final StatefulRedisConnection<String, String> queueConnection;

  public JobQueueHealthIndicator(StatefulRedisConnection<String, String> queueConnection) {
    this.queueConnection = queueConnection;
  }

  @Override
  public Health health() {
    try {
      String pong = queueConnection.async().ping().get(PING_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      return "PONG".equals(pong) ? Health.up().build() : Health.down().withDetail("reply", pong).build();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Health.down(e).build();
    } catch (Exception e) {
      return Health.down().withDetail("error", e.getClass().getSimpleName()).build();
    }
  }
}
