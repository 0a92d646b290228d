package io.emprops.events.config;

import java.util.Map;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Logging defaults for the relay's embedded Debezium, with the lowest precedence so a service's
 * own configuration still wins.
 */
public class EventsLoggingDefaults implements EnvironmentPostProcessor {

  private static final Map<String, Object> DEFAULTS = Map.of(
      // Debezium 3.6 warns once per change event when its internal lag statistics queue is full,
      // which any burst does; the relay exports its own lag metric.
      "logging.level.io.debezium.metrics.stats.MeasurementCollector", "error");

  @Override
  public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
    environment.getPropertySources().addLast(new MapPropertySource("emprops-events-logging-defaults", DEFAULTS));
  }
}
