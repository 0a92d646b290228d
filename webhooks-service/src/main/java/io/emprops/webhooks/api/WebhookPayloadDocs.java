package io.emprops.webhooks.api;

import io.emprops.webhooks.domain.event.EventSamples;
import io.emprops.webhooks.domain.event.WebhookEventType;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.JsonSchema;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.parameters.HeaderParameter;
import io.swagger.v3.oas.models.parameters.RequestBody;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import java.lang.reflect.AnnotatedType;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * The webhooks the suite sends, in the service's OpenAPI 3.1 document ({@code webhooks}, merged by
 * the gateway into {@code /v3/api-docs}): per available event type, the request a receiver gets —
 * the Standard Webhooks headers and the versioned body, its {@code data} schema derived from the
 * payload record (snake_case, as sent; {@link Nullable} components may be null) with an example.
 */
@Component
class WebhookPayloadDocs implements OpenApiCustomizer {

  private final JsonMapper json;

  WebhookPayloadDocs(JsonMapper json) {
    this.json = json;
  }

  @Override
  public void customise(OpenAPI openApi) {
    for (WebhookEventType type : WebhookEventType.values()) {
      type.payload().ifPresent(payload -> openApi.addWebhooks(type.wireName(), pathItem(type, payload)));
    }
  }

  private PathItem pathItem(WebhookEventType type, Class<?> payload) {
    Schema<Object> typeName = string();
    typeName.addEnumItemObject(type.wireName());
    Schema<Object> body = object()
        .addProperty("type", typeName)
        .addProperty("timestamp", string().format("date-time").description("when the event happened"))
        .addProperty("version", integer().description("version of data's shape (1); fields are only added within it"))
        .addProperty("data", schemaOf(payload));
    body.required(List.of("type", "timestamp", "version", "data"));
    Object example = json.readValue(json.writeValueAsString(
        Map.of("type", type.wireName(), "timestamp", Instant.parse("2026-03-01T10:15:30.123Z"), "version", 1,
            "data", EventSamples.of(type))), Map.class);
    Operation post = new Operation()
        .operationId("webhook_" + type.wireName().replace('.', '_'))
        .tags(List.of("webhooks"))
        .summary(type.description())
        .description("Sent to every enabled endpoint of the owner subscribed to `" + type.wireName() + "` (or `"
            + type.group() + ".*`, `*`). Verify `webhook-signature` before trusting the body; deduplicate by"
            + " `webhook-id` (the same for every attempt and replay). Answer 2xx within 15 s; 408, 429 and 5xx"
            + " (and timeouts) are retried for 24 h, anything else is final.")
        .addParametersItem(header("webhook-id", "msg_<32 hex digits>: the message's id, stable across retries"))
        .addParametersItem(header("webhook-timestamp", "when this attempt was signed, epoch seconds"))
        .addParametersItem(header("webhook-signature",
            "space-separated `v1,<base64 HMAC-SHA256(secret, \"<webhook-id>.<webhook-timestamp>.<body>\")>`;"
                + " two entries while a rotated secret still signs"))
        .requestBody(new RequestBody().required(true).content(new Content().addMediaType("application/json",
            new MediaType().schema(body).example(example))))
        .responses(new ApiResponses().addApiResponse("2XX", new ApiResponse().description("received")));
    return new PathItem().post(post);
  }

  private static Schema<Object> schemaOf(Class<?> record) {
    Schema<Object> schema = object();
    for (RecordComponent component : record.getRecordComponents()) {
      String name = snakeCase(component.getName());
      Schema<Object> property = schemaOf(component.getGenericType(), component.getAnnotatedType());
      schema.addProperty(name, property);
      schema.addRequiredItem(name);
    }
    return schema;
  }

  private static Schema<Object> schemaOf(Type type, AnnotatedType annotated) {
    Schema<Object> schema;
    if (type instanceof ParameterizedType list && list.getRawType() == List.class) {
      schema = typed("array").items(schemaOf(list.getActualTypeArguments()[0], null));
    } else if (type == String.class) {
      schema = string();
    } else if (type == UUID.class) {
      schema = string().format("uuid");
    } else if (type == Instant.class) {
      schema = string().format("date-time");
    } else if (type == int.class || type == Integer.class) {
      schema = integer().format("int32");
    } else if (type == long.class || type == Long.class) {
      schema = integer().format("int64");
    } else if (type == boolean.class || type == Boolean.class) {
      schema = typed("boolean");
    } else if (type instanceof Class<?> c && c.isRecord()) {
      schema = schemaOf(c);
    } else {
      throw new IllegalStateException("no JSON schema for " + type + " in a webhook payload");
    }
    if (annotated != null && annotated.isAnnotationPresent(Nullable.class)) {
      schema.addType("null");
    }
    return schema;
  }

  private static Schema<Object> object() {
    return typed("object");
  }

  private static Schema<Object> string() {
    return typed("string");
  }

  private static Schema<Object> integer() {
    return typed("integer");
  }

  private static Schema<Object> typed(String type) {
    Set<String> types = new LinkedHashSet<>();
    types.add(type);
    JsonSchema schema = new JsonSchema();
    schema.setTypes(types);
    return schema;
  }

  private static HeaderParameter header(String name, String description) {
    return (HeaderParameter) new HeaderParameter().name(name).required(true).description(description).schema(string());
  }

  private static String snakeCase(String camel) {
    return camel.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(java.util.Locale.ROOT);
  }
}
