package io.emprops.events.contract;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.PropertyNamingStrategies;

/**
 * The AsyncAPI 3.0.0 document of the event catalog ({@code docs/asyncapi.yaml}), made from the
 * contract records by reflection: one channel and one send operation per {@link Topic}, one message
 * per {@link EventCatalog} entry with the {@link EventHeaders} as its headers, the aggregate id as
 * its Kafka key and its golden file ({@code golden/<type>.json}) as its example.
 *
 * <p>It lives with the tests, not in the jar: it needs the golden files (test resources), services
 * never read it, and {@code AsyncApiDocumentTest} is where it is written and checked.
 *
 * <p>Payload schemas say what the code says: every component is {@code required} (the wire format
 * writes explicit nulls, see {@link EventJson}); primitives are never null, while boxed and
 * reference types may be, since the contracts carry no nullness annotations (their javadoc says
 * which ones are null when), except those {@link DomainEvent#aggregateId()} reads the key through. No {@code additionalProperties: false}: contracts grow additively
 * within a version, and consumers must accept fields added later.
 */
final class AsyncApiDocument {

  static final String ASYNCAPI_VERSION = "3.0.0";
  static final String KAFKA_BINDING_VERSION = "0.5.0";
  static final String NAMESPACE_PARAMETER = "namespace";

  /** What each header the outbox writes holds (values are UTF-8 strings). */
  private static final Map<String, Map<String, Object>> HEADER_SCHEMAS = Map.of(
      EventHeaders.EVENT_ID, schema("string", "format", "uuid", "description",
          "Unique per event: the inbox's idempotency key."),
      EventHeaders.EVENT_TYPE, schema("string", "description", "The versioned type name."),
      EventHeaders.OCCURRED_AT, schema("string", "format", "date-time", "description",
          "ISO-8601 UTC instant at which the producer wrote the event."),
      EventHeaders.TRACEPARENT, schema("string", "pattern", "^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$",
          "description", "W3C trace context of the request that produced the event."));

  /** Fixed header values of the examples, so the document is the same on every run. */
  private static final String EXAMPLE_OCCURRED_AT = "2026-03-01T10:15:30.123456Z";
  private static final String EXAMPLE_TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";


  private AsyncApiDocument() {}

  /** The document as YAML, with a header saying where it comes from. */
  static String yaml() {
    DumperOptions options = new DumperOptions();
    options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
    options.setSplitLines(false);
    options.setIndicatorIndent(2);
    options.setIndentWithIndicator(true);
    return "# Generated from the event contracts by AsyncApiDocumentTest (shared-events): do not edit.\n"
        + "# Regenerate: ./mvnw -pl shared-events test -Dtest=AsyncApiDocumentTest -Demprops.asyncapi.write=true\n"
        + new Yaml(options).dump(document());
  }

  static Map<String, Object> document() {
    Map<String, Object> document = new LinkedHashMap<>();
    document.put("asyncapi", ASYNCAPI_VERSION);
    document.put("info", map(
        "title", "EmProps events",
        "version", "1.0.0",
        "description", "The events the EmProps services publish through their transactional outboxes"
            + " (shared-events, see docs/events.md). Records are keyed by aggregate id; a type name carries its"
            + " contract version, and a contract only grows (new nullable fields) within a version, so fields"
            + " added later are absent from events written before."));
    document.put("defaultContentType", "application/json");
    Map<String, Object> channels = new LinkedHashMap<>();
    Map<String, Object> operations = new LinkedHashMap<>();
    for (Topic topic : Topic.values()) {
      List<EventDescriptor> events = EventCatalog.all().stream().filter(event -> event.topic() == topic).toList();
      Map<String, Object> channelMessages = new LinkedHashMap<>();
      List<Object> operationMessages = new ArrayList<>();
      for (EventDescriptor event : events) {
        channelMessages.put(event.type(), ref("#/components/messages/" + event.type()));
        operationMessages.add(ref("#/channels/" + topic.aggregateType() + "/messages/" + event.type()));
      }
      channels.put(topic.aggregateType(), map(
          "address", "{" + NAMESPACE_PARAMETER + "}." + topic.aggregateType(),
          "title", topic.topicName(),
          "description", "The " + topic.aggregateType() + " events, keyed by aggregate id. Consumers park what"
              + " they could not handle in " + Topic.deadLetterTopicOf("{" + NAMESPACE_PARAMETER + "}."
              + topic.aggregateType()) + ".",
          "parameters", map(NAMESPACE_PARAMETER, map(
              "default", Topic.DEFAULT_NAMESPACE,
              "description", "emprops.events.namespace: lets several stacks share one Kafka cluster.")),
          "messages", channelMessages));
      operations.put("send" + capitalized(topic.aggregateType()), map(
          "action", "send",
          "channel", ref("#/channels/" + topic.aggregateType()),
          "messages", operationMessages));
    }
    document.put("channels", channels);
    document.put("operations", operations);
    Map<String, Object> messages = new LinkedHashMap<>();
    EventCatalog.all().forEach(event -> messages.put(event.type(), message(event)));
    document.put("components", map("messages", messages));
    return document;
  }

  private static Map<String, Object> message(EventDescriptor event) {
    Map<String, Object> payload = recordSchema(event.javaType());
    Map<String, Object> golden = golden(event.type());
    return map(
        "name", event.type(),
        "title", event.javaType().getSimpleName(),
        "contentType", "application/json",
        "headers", headersSchema(event),
        "payload", payload,
        "bindings", map("kafka", map(
            "key", keySchema(event, payload),
            "bindingVersion", KAFKA_BINDING_VERSION)),
        "examples", List.of(map(
            "name", "golden",
            "summary", "shared-events/src/test/resources/golden/" + event.type() + ".json",
            "headers", map(
                EventHeaders.EVENT_ID, UUID.nameUUIDFromBytes(event.type().getBytes(StandardCharsets.UTF_8)).toString(),
                EventHeaders.EVENT_TYPE, event.type(),
                EventHeaders.OCCURRED_AT, EXAMPLE_OCCURRED_AT,
                EventHeaders.TRACEPARENT, EXAMPLE_TRACEPARENT),
            "payload", golden)));
  }

  /** Every constant of {@link EventHeaders}; the relay adds them all (the outbox writes a traceparent). */
  static List<String> headerNames() {
    return Arrays.stream(EventHeaders.class.getFields())
        .filter(field -> Modifier.isStatic(field.getModifiers()) && field.getType() == String.class)
        .map(field -> {
          try {
            return (String) field.get(null);
          } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
          }
        })
        .toList();
  }

  private static Map<String, Object> headersSchema(EventDescriptor event) {
    Map<String, Object> properties = new LinkedHashMap<>();
    for (String header : headerNames()) {
      Map<String, Object> schema = HEADER_SCHEMAS.get(header);
      if (schema == null) {
        throw new IllegalStateException("EventHeaders." + header + " has no schema in AsyncApiDocument");
      }
      schema = new LinkedHashMap<>(schema);
      if (header.equals(EventHeaders.EVENT_TYPE)) {
        schema.put("enum", List.of(event.type()));
      }
      properties.put(header, schema);
    }
    return map("type", "object", "required", List.copyOf(properties.keySet()), "properties", properties);
  }

  /**
   * The record key: found by reading the golden example back and looking for the component whose
   * value {@link DomainEvent#aggregateId()} returns (one level into nested records).
   */
  @SuppressWarnings("unchecked")
  private static Map<String, Object> keySchema(EventDescriptor event, Map<String, Object> payload) {
    DomainEvent example = EventJson.deserialize(goldenText(event.type()), event.javaType());
    String key = example.aggregateId();
    List<String> path = keyPath(example, key)
        .orElseThrow(() -> new IllegalStateException(event.type() + ": no component holds its aggregate id " + key));
    Map<String, Object> schema = payload;
    for (String property : path) {
      Map<String, Object> properties = (Map<String, Object>) schema.get("properties");
      // The key is read through these components, and the outbox refuses a null aggregate id.
      schema = nonNull((Map<String, Object>) properties.get(property));
      properties.put(property, schema);
    }
    Map<String, Object> keySchema = new LinkedHashMap<>(schema);
    keySchema.put("type", "string");
    keySchema.put("description", "The aggregate id, UTF-8: the payload's " + String.join(".", path) + ".");
    return keySchema;
  }

  private static Optional<List<String>> keyPath(Object event, String key) {
    for (RecordComponent component : event.getClass().getRecordComponents()) {
      Object value = valueOf(component, event);
      String property = wireName(component);
      if (value != null && !(value instanceof Record) && key.equals(value.toString())) {
        return Optional.of(List.of(property));
      }
      if (value instanceof Record nested && nested.getClass() != event.getClass()) {
        Optional<List<String>> inner = keyPath(nested, key);
        if (inner.isPresent()) {
          List<String> path = new ArrayList<>(List.of(property));
          path.addAll(inner.get());
          return Optional.of(path);
        }
      }
    }
    return Optional.empty();
  }

  /** The JSON name of a component, as {@link EventJson}'s naming strategy makes it. */
  private static String wireName(RecordComponent component) {
    return PropertyNamingStrategies.SNAKE_CASE.nameForField(null, null, component.getName());
  }

  private static Object valueOf(RecordComponent component, Object record) {
    try {
      return component.getAccessor().invoke(record);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(e);
    }
  }

  static Map<String, Object> recordSchema(Class<?> recordType) {
    Map<String, Object> properties = new LinkedHashMap<>();
    for (RecordComponent component : recordType.getRecordComponents()) {
      properties.put(wireName(component), schemaOf(component.getGenericType()));
    }
    return map(
        "type", "object",
        "title", recordType.getSimpleName(),
        "required", List.copyOf(properties.keySet()),
        "properties", properties);
  }

  /** The schema without {@code null} among its types and enum values. */
  private static Map<String, Object> nonNull(Map<String, Object> schema) {
    Map<String, Object> nonNull = new LinkedHashMap<>(schema);
    if (schema.get("type") instanceof List<?> types) {
      nonNull.put("type", types.getFirst());
    }
    if (schema.get("enum") instanceof List<?> values) {
      nonNull.put("enum", values.stream().filter(value -> value != null).toList());
    }
    return nonNull;
  }

  /** A component's schema; null allowed unless it is a primitive. */
  private static Map<String, Object> schemaOf(Type type) {
    Map<String, Object> schema = nonNullSchemaOf(type);
    if (type instanceof Class<?> c && c.isPrimitive()) {
      return schema;
    }
    Map<String, Object> nullable = new LinkedHashMap<>(schema);
    nullable.put("type", List.of(schema.get("type"), "null"));
    if (schema.get("enum") instanceof List<?> values) {
      List<Object> withNull = new ArrayList<>(values);
      withNull.add(null); // JSON Schema checks enum besides type
      nullable.put("enum", withNull);
    }
    return nullable;
  }

  private static Map<String, Object> nonNullSchemaOf(Type type) {
    if (type instanceof ParameterizedType parameterized) {
      Class<?> raw = (Class<?>) parameterized.getRawType();
      if (List.class.isAssignableFrom(raw)) {
        return map("type", "array", "items", nonNullSchemaOf(parameterized.getActualTypeArguments()[0]));
      }
      if (Map.class.isAssignableFrom(raw)) {
        return map("type", "object");
      }
      throw new IllegalStateException("no schema for " + type);
    }
    Class<?> c = (Class<?>) type;
    if (c == String.class) {
      return map("type", "string");
    }
    if (c == UUID.class) {
      return map("type", "string", "format", "uuid");
    }
    if (c == Instant.class) {
      return map("type", "string", "format", "date-time");
    }
    if (c == int.class || c == Integer.class) {
      return map("type", "integer", "format", "int32");
    }
    if (c == long.class || c == Long.class) {
      return map("type", "integer", "format", "int64");
    }
    if (c == BigDecimal.class || c == double.class || c == Double.class) {
      return map("type", "number");
    }
    if (c == boolean.class || c == Boolean.class) {
      return map("type", "boolean");
    }
    if (c.isEnum()) {
      List<Object> values = Arrays.stream(c.getEnumConstants())
          .map(constant -> (Object) EventJson.mapper().valueToTree(constant).asString())
          .toList();
      return map("type", "string", "title", c.getSimpleName(), "enum", values);
    }
    if (c.isRecord()) {
      return recordSchema(c);
    }
    if (JsonNode.class.isAssignableFrom(c) || Map.class.isAssignableFrom(c)) {
      return map("type", "object");
    }
    throw new IllegalStateException("no schema for " + c.getName() + ": teach AsyncApiDocument its wire form");
  }

  /** The golden file of a type, as plain maps and lists. */
  @SuppressWarnings("unchecked")
  static Map<String, Object> golden(String type) {
    return EventJson.mapper().readValue(goldenText(type), LinkedHashMap.class);
  }

  static String goldenText(String type) {
    try (InputStream in = AsyncApiDocument.class.getResourceAsStream("/golden/" + type + ".json")) {
      if (in == null) {
        throw new IllegalStateException("no golden file golden/" + type + ".json (EventContractGoldenTest writes it)");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String capitalized(String word) {
    return Character.toUpperCase(word.charAt(0)) + word.substring(1);
  }

  private static Map<String, Object> ref(String pointer) {
    return map("$ref", pointer);
  }

  private static Map<String, Object> schema(String type, Object... keysAndValues) {
    Map<String, Object> schema = map(keysAndValues);
    Map<String, Object> withType = map("type", type);
    withType.putAll(schema);
    return withType;
  }

  /** An ordered map, so the document is written the same way every time. */
  private static Map<String, Object> map(Object... keysAndValues) {
    Map<String, Object> map = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      map.put((String) keysAndValues[i], keysAndValues[i + 1]);
    }
    return map;
  }
}
