package io.emprops.gateway.docs;

import io.emprops.gateway.config.GatewayProperties;
import io.emprops.web.identity.CallerIdentity;
import io.emprops.web.identity.IdentityHeaders;
import io.emprops.web.identity.InternalCredential;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code GET /v3/api-docs} (API.md, "API documentation"): every service's document merged into
 * one. A service that cannot be read within the timeout is listed as unavailable instead of
 * failing the whole document; the result is kept for a short while, since it changes only with
 * deployments.
 */
@RestController
class AggregatedApiDocs {

  static final String PATH = "/v3/api-docs";
  private static final Duration TIMEOUT = Duration.ofSeconds(5);
  private static final Duration KEPT_FOR = Duration.ofSeconds(30);

  private final Map<String, URI> services = new LinkedHashMap<>();
  private final InternalCredential credential;
  private final WebClient client;
  private final JsonMapper json;
  private final Mono<ObjectNode> merged;

  AggregatedApiDocs(GatewayProperties properties, InternalCredential credential, JsonMapper json) {
    GatewayProperties.Services s = properties.services();
    services.put("collections", s.collections());
    services.put("generator", s.generator());
    services.put("credits", s.credits());
    services.put("storage", s.storage());
    services.put("publishing", s.publishing());
    services.put("webhooks", s.webhooks());
    this.credential = credential;
    this.json = json;
    this.client = WebClient.create();
    this.merged = Flux.fromIterable(services.keySet())
        .flatMapSequential(name -> document(name).map(doc -> Map.entry(name, doc)).defaultIfEmpty(
            Map.entry(name, json.nullNode())))
        .collectList()
        .map(this::merge)
        // Kept only when every service answered, so an outage does not stick for the whole period.
        .cache(document -> everyServiceAnswered(document) ? KEPT_FOR : Duration.ZERO,
            failure -> Duration.ZERO, () -> Duration.ZERO);
  }

  @GetMapping(path = PATH, produces = MediaType.APPLICATION_JSON_VALUE)
  Mono<ObjectNode> apiDocs() {
    return merged;
  }

  private static boolean everyServiceAnswered(ObjectNode document) {
    return document.path("x-services").properties().stream()
        .allMatch(e -> "available".equals(e.getValue().asString()));
  }

  private ObjectNode merge(List<Map.Entry<String, JsonNode>> documents) {
    Map<String, JsonNode> available = new LinkedHashMap<>();
    List<String> unavailable = new ArrayList<>();
    documents.forEach(e -> {
      if (e.getValue().isObject()) {
        available.put(e.getKey(), e.getValue());
      } else {
        unavailable.add(e.getKey());
      }
    });
    return OpenApiMerger.merge(available, unavailable);
  }

  /** The service's own document, read as an anonymous caller through the internal credential. */
  private Mono<JsonNode> document(String service) {
    URI base = services.get(service);
    return client.get().uri(base.resolve(PATH))
        .header(IdentityHeaders.INTERNAL_AUTH, credential.sign("GET", PATH, CallerIdentity.anonymous()))
        .retrieve()
        .bodyToMono(String.class)
        .timeout(TIMEOUT)
        .map(json::readTree)
        .flatMap(doc -> Mono.justOrEmpty(Optional.of(doc).filter(JsonNode::isObject)))
        .onErrorResume(failure -> Mono.empty());
  }
}
