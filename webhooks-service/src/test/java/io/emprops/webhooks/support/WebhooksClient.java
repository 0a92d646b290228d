package io.emprops.webhooks.support;

import static org.assertj.core.api.Assertions.assertThat;

import io.emprops.web.identity.CallerIdentity;
import io.emprops.web.testing.GatewayCalls;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** {@code /webhooks} as the gateway calls it, for one user. */
public final class WebhooksClient {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final GatewayCalls calls;
  private final CallerIdentity user;

  /** A client of the service a {@code @WebhooksServiceTest} runs, calling as {@code userId} through the internal credential. */
  public static WebhooksClient of(org.springframework.core.env.Environment service, String userId) {
    return new WebhooksClient("http://127.0.0.1:" + service.getProperty("local.server.port"),
        service.getProperty("emprops.internal.secret"), userId);
  }

  public WebhooksClient(String baseUrl, String internalSecret, String userId) {
    this.calls = new GatewayCalls(baseUrl, internalSecret);
    this.user = GatewayCalls.user(userId);
  }

  public HttpResponse<String> send(String method, String path, String json) {
    return calls.send(calls.request(method, path, user,
        json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json))
        .header("Content-Type", "application/json").build());
  }

  /** The {@code data} of a response that must have {@code status}. */
  public JsonNode data(HttpResponse<String> response, int status) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    return JSON.readTree(response.body()).get("data");
  }

  public JsonNode call(String method, String path, String json, int status) {
    return data(send(method, path, json), status);
  }

  /** Registers an endpoint; returns its representation, {@code secret} included. */
  public JsonNode register(String url, String... eventTypes) {
    StringBuilder types = new StringBuilder();
    for (String type : eventTypes) {
      types.append(types.isEmpty() ? "" : ",").append('"').append(type).append('"');
    }
    return call("POST", "/webhooks", "{\"url\": \"" + url + "\", \"event_types\": [" + types + "]}", 201);
  }

  public JsonNode deliveries(String endpointId) {
    return call("GET", "/webhooks/" + endpointId + "/deliveries?size=100", null, 200).get("items");
  }

  public static JsonNode json(String text) {
    return JSON.readTree(text);
  }
}
