package io.emprops.gateway.routing;

import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.timelimiter.TimeLimiterConfig;
import java.time.Duration;
import org.springframework.cloud.circuitbreaker.resilience4j.ReactiveResilience4JCircuitBreakerFactory;
import org.springframework.cloud.circuitbreaker.resilience4j.Resilience4JConfigBuilder;
import org.springframework.cloud.client.circuitbreaker.Customizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The per-service circuit breakers: open after half of the last 20 calls failed (at least 10),
 * let 3 probes through after 10 s. Timeouts are the HTTP client's (connect and response
 * timeouts), not a time limiter's: a limiter would cut downloads and streams that are merely long.
 */
@Configuration(proxyBeanMethods = false)
public class CircuitBreakerConfiguration {

  @Bean
  Customizer<ReactiveResilience4JCircuitBreakerFactory> serviceCircuitBreakers() {
    CircuitBreakerConfig breaker = CircuitBreakerConfig.custom()
        .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
        .slidingWindowSize(20)
        .minimumNumberOfCalls(10)
        .failureRateThreshold(50)
        .waitDurationInOpenState(Duration.ofSeconds(10))
        .permittedNumberOfCallsInHalfOpenState(3)
        // Slow is not failed: a long download must not open the breaker.
        .slowCallRateThreshold(100)
        .slowCallDurationThreshold(Duration.ofMinutes(10))
        .build();
    return factory -> factory.configureDefault(id -> new Resilience4JConfigBuilder(id)
        .circuitBreakerConfig(breaker)
        .timeLimiterConfig(TimeLimiterConfig.custom().timeoutDuration(Duration.ofMinutes(10)).build())
        .build());
  }
}
