package io.emprops.gateway.docs;

import io.emprops.gateway.config.GatewayProperties;
import io.emprops.gateway.routing.RoutedPaths;
import io.emprops.web.api.ApiException;
import io.emprops.web.api.ErrorCode;
import io.emprops.web.identity.CallerIdentity;
import io.emprops.web.identity.IdentityHeaders;
import io.emprops.web.identity.InternalCredential;
import io.swagger.v3.oas.annotations.Hidden;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.core.env.Environment;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The API documents (API.md, "API documentation"): {@code GET /v3/api-docs/{service}} is a
 * service's own document and {@code GET /v3/api-docs} all of them merged with the gateway's own
 * ({@code /v3/api-docs/gateway}, served by springdoc). Both keep only the paths the gateway
 * routes to the service that documents them ({@link RoutedPaths}): what is not routed cannot be
 * called, so it is not documented. A service that cannot be read within the timeout is listed as
 * unavailable instead of failing the whole document; the merged result is kept for a short
 * while, since it changes only with deployments.
 */
@Hidden
@RestController
class AggregatedApiDocs {

  static final String PATH = "/v3/api-docs";
  private static final String GATEWAY = "gateway";
  // A service builds its document on the first request (a few seconds on a cold JVM).
  private static final Duration TIMEOUT = Duration.ofSeconds(15);
  private static final Duration KEPT_FOR = Duration.ofSeconds(30);

  private final Map<String, List<URI>> services = new LinkedHashMap<>();
  private final InternalCredential credential;
  private final Environment environment;
  private final WebClient client;
  private final JsonMapper json;
  private final Mono<ObjectNode> merged;

  AggregatedApiDocs(GatewayProperties properties, InternalCredential credential, JsonMapper json,
      Environment environment) {
    Map<String, List<URI>> byName = properties.services().byName();
    // The order of the merged document.
    for (String service : List.of("collections", "generator", "credits", "storage", "publishing", "webhooks")) {
      services.put(service, byName.get(service));
    }
    this.credential = credential;
    this.environment = environment;
    this.json = json;
    this.client = WebClient.builder()
        .codecs(codecs -> codecs.defaultCodecs().maxInMemorySize(8 * 1024 * 1024))
        .build();
    List<String> names = new ArrayList<>(services.keySet());
    names.add(GATEWAY);
    this.merged = Flux.fromIterable(names)
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

  @GetMapping(path = PATH + "/{service}", produces = MediaType.APPLICATION_JSON_VALUE)
  Mono<JsonNode> serviceApiDocs(@PathVariable String service) {
    if (!services.containsKey(service)) {
      return Mono.error(new ApiException(ErrorCode.NOT_FOUND, "No API document named " + service));
    }
    return document(service).switchIfEmpty(Mono.error(new ApiException(ErrorCode.SERVICE_UNAVAILABLE,
        "The " + service + " service's API document is unavailable")));
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

  /**
   * The service's own document, read as an anonymous caller through the internal credential from
   * the first of its instances that answers, reduced to the paths routed to it; the gateway's own
   * from its springdoc endpoint.
   */
  private Mono<JsonNode> document(String service) {
    if (GATEWAY.equals(service)) {
      String port = environment.getProperty("local.server.port");
      return port == null ? Mono.empty() : read(client.get()
          .uri(URI.create("http://127.0.0.1:" + port + PATH + "/" + GATEWAY)));
    }
    return Flux.fromIterable(services.get(service))
        .concatMap(instance -> read(client.get().uri(instance.resolve(PATH))
            .header(IdentityHeaders.INTERNAL_AUTH, credential.sign("GET", PATH, CallerIdentity.anonymous()))))
        .next()
        .map(document -> routedOnly(document, service));
  }

  private Mono<JsonNode> read(WebClient.RequestHeadersSpec<?> request) {
    return request.retrieve()
        .bodyToMono(String.class)
        .timeout(TIMEOUT)
        .map(json::readTree)
        .flatMap(doc -> Mono.justOrEmpty(Optional.of(doc).filter(JsonNode::isObject)))
        .onErrorResume(failure -> Mono.empty());
  }

  private static JsonNode routedOnly(JsonNode document, String service) {
    ObjectNode copy = (ObjectNode) document.deepCopy();
    if (copy.get("paths") instanceof ObjectNode paths) {
      List<String> unrouted = paths.propertyNames().stream()
          .filter(path -> !RoutedPaths.routesTo(path, service))
          .toList();
      paths.remove(unrouted);
    }
    return copy;
  }
}
