package io.emprops.web.config;

import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * @param secret shared with the gateway (env {@code EMPROPS_INTERNAL_SECRET}); a service refuses
 *     to start without one
 * @param maxAge how old a credential may be (clock skew plus transit)
 * @param openPaths path prefixes reachable without the credential: probes and metrics only
 */
@ConfigurationProperties("emprops.internal")
public record InternalAuthProperties(String secret, Duration maxAge, List<String> openPaths) {

  public InternalAuthProperties {
    maxAge = maxAge == null ? Duration.ofMinutes(5) : maxAge;
    openPaths = openPaths == null
        ? List.of("/actuator/health", "/actuator/prometheus", "/actuator/info")
        : List.copyOf(openPaths);
  }
}
