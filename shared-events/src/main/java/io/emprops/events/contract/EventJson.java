package io.emprops.events.contract;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.cfg.EnumFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The wire format of event payloads: snake_case JSON, ISO-8601 instants, explicit nulls. It is
 * fixed here rather than taken from a service's Jackson configuration, so that every producer
 * writes the same bytes for the same event (pinned by the golden-file tests).
 */
public final class EventJson {

  private static final JsonMapper MAPPER = JsonMapper.builder()
      .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
      // Contracts grow additively: a consumer built against an older contract version must
      // accept fields and enum values added since.
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .enable(EnumFeature.READ_UNKNOWN_ENUM_VALUES_AS_NULL)
      .build();

  private EventJson() {}

  public static JsonMapper mapper() {
    return MAPPER;
  }

  public static String serialize(DomainEvent event) {
    return MAPPER.writeValueAsString(event);
  }

  /**
   * @throws JacksonException when the payload does not fit the contract
   */
  public static <E extends DomainEvent> E deserialize(byte[] payload, Class<E> eventClass) {
    return MAPPER.readValue(payload, eventClass);
  }

  public static <E extends DomainEvent> E deserialize(String payload, Class<E> eventClass) {
    return MAPPER.readValue(payload, eventClass);
  }
}
