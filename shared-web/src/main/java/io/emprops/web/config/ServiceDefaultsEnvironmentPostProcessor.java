package io.emprops.web.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.PropertySource;
import org.springframework.core.io.ClassPathResource;

/**
 * Adds the defaults every domain service shares (datasource per schema, Flyway, JPA, Kafka,
 * probes, metrics, graceful shutdown, JSON naming) with the lowest precedence, so a service's
 * own application.yml names only what is its own ({@code emprops.service.schema}, its port) and
 * environment variables still override everything.
 */
public class ServiceDefaultsEnvironmentPostProcessor implements EnvironmentPostProcessor {

  static final String SCHEMA_PROPERTY = "emprops.service.schema";
  private static final String DEFAULTS = "emprops/service-defaults.yml";

  @Override
  public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
    if (!environment.containsProperty(SCHEMA_PROPERTY)) {
      return;
    }
    try {
      for (PropertySource<?> source :
          new YamlPropertySourceLoader().load("emprops-service-defaults", new ClassPathResource(DEFAULTS))) {
        environment.getPropertySources().addLast(source);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + DEFAULTS, e);
    }
  }
}
