package io.emprops.webhooks.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.emprops.webhooks.domain.event.WebhookEventType;
import io.emprops.webhooks.support.WebhooksClient;
import io.emprops.webhooks.support.WebhooksServiceTest;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.env.Environment;
import tools.jackson.databind.JsonNode;

/** The OpenAPI 3.1 {@code webhooks}: one request per available event type, its schema matching what is sent. */
@WebhooksServiceTest
class WebhookPayloadDocsTest {

  @Autowired Environment environment;

  @Test
  void everyAvailableEventTypeIsDocumentedWithHeadersSchemaAndAnExampleOfTheSameShape() {
    WebhooksClient client = WebhooksClient.of(environment, "docs-reader");
    var response = client.send("GET", "/v3/api-docs", null);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    JsonNode document = WebhooksClient.json(response.body());
    assertThat(document.get("openapi").asString()).startsWith("3.1");
    JsonNode webhooks = document.get("webhooks");

    for (WebhookEventType type : WebhookEventType.values()) {
      if (!type.available()) {
        assertThat(webhooks.has(type.wireName())).as(type.wireName()).isFalse();
        continue;
      }
      JsonNode post = webhooks.get(type.wireName()).get("post");
      List<String> headers = new ArrayList<>();
      post.get("parameters").forEach(p -> headers.add(p.get("in").asString() + ":" + p.get("name").asString()));
      assertThat(headers).as(type.wireName())
          .containsExactly("header:webhook-id", "header:webhook-timestamp", "header:webhook-signature");
      JsonNode json = post.get("requestBody").get("content").get("application/json");
      JsonNode schema = json.get("schema");
      assertThat(schema.get("properties").get("type").get("enum").get(0).asString()).isEqualTo(type.wireName());
      // The example is a sample rendered by the service's own JSON mapper: same fields as the schema.
      JsonNode data = schema.get("properties").get("data");
      assertThat(data.get("properties").propertyNames()).as(type.wireName())
          .containsExactlyElementsOf(json.get("example").get("data").propertyNames());
      assertThat(json.get("example").get("type").asString()).isEqualTo(type.wireName());
      assertThat(json.get("example").get("version").asInt()).isEqualTo(1);
    }

    JsonNode completed = webhooks.get("job.completed").get("post").get("requestBody").get("content")
        .get("application/json").get("schema").get("properties").get("data").get("properties");
    assertThat(completed.get("job_id").get("type").asString()).isEqualTo("string");
    assertThat(completed.get("job_id").get("format").asString()).isEqualTo("uuid");
    assertThat(completed.get("credits_spent").get("type").asString()).isEqualTo("integer");
    JsonNode output = completed.get("outputs").get("items").get("properties");
    assertThat(output.get("asset_id").get("type").toString()).isEqualTo("[\"string\",\"null\"]");
    assertThat(output.get("url").get("type").asString()).isEqualTo("string");
  }
}
