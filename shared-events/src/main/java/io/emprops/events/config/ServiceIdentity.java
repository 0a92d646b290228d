package io.emprops.events.config;

import io.emprops.events.outbox.SqlIdentifiers;
import org.springframework.core.env.Environment;

/**
 * The service the events machinery works for.
 *
 * @param name {@code spring.application.name}: consumer group, relay and client names
 * @param schema {@code emprops.service.schema}: holds the outbox and inbox tables
 */
public record ServiceIdentity(String name, String schema) {

  static final String NAME_PROPERTY = "spring.application.name";
  static final String SCHEMA_PROPERTY = "emprops.service.schema";

  public ServiceIdentity {
    if (name == null || name.isBlank()) {
      throw new IllegalStateException("shared-events needs " + NAME_PROPERTY + " to name the service");
    }
    SqlIdentifiers.requirePlain(schema);
  }

  static ServiceIdentity from(Environment environment) {
    return new ServiceIdentity(environment.getProperty(NAME_PROPERTY), environment.getProperty(SCHEMA_PROPERTY));
  }
}
