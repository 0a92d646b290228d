package io.emprops.gateway.routing;

import java.util.List;
import java.util.Optional;
import org.springframework.http.server.PathContainer;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;

/**
 * Which service answers which public path (API.md), in the order the gateway tries them: the
 * more specific {@code /collections/{id}/…} paths of the generator and of publishing come
 * before the collections service's {@code /collections/**}. The routes are built from this
 * table, and the API documents keep only the paths it sends to the service that documents them,
 * so a service's internal or unrouted endpoint never appears in the public documentation.
 */
public final class RoutedPaths {

  /** One route: its id, the service it forwards to, its path patterns. */
  public record Route(String id, String service, List<String> patterns) {
    Route(String id, String service, String... patterns) {
      this(id, service, List.of(patterns));
    }

    String[] patternArray() {
      return patterns.toArray(String[]::new);
    }
  }

  /** Long-lived streams: routed without circuit breaker or retry. */
  public static final Route GENERATOR_STREAMS = new Route("generator-streams", "generator",
      "/jobs/{id}/events", "/ws");

  public static final List<Route> ROUTES = List.of(
      GENERATOR_STREAMS,
      new Route("generator", "generator",
          "/api/collections/generate", "/collections/{id}/generations",
          "/jobs/**", "/workflows/**", "/models/**",
          // The job queue's call-back (with /jobs/{id}/steps and /jobs/{id}/complete).
          "/steps/{id}/complete"),
      new Route("publishing", "publishing", "/collections/{id}/publication", "/collections/{id}/tokens",
          "/chains/**", "/metadata/**"),
      new Route("credits", "credits", "/credits/**"),
      new Route("storage", "storage", "/assets/**"),
      new Route("webhooks", "webhooks", "/webhooks", "/webhooks/**"),
      new Route("collections", "collections",
          "/projects/**", "/collections/**", "/feed", "/api/collections/create"));

  private record Parsed(String service, List<PathPattern> patterns) {}

  private static final List<Parsed> PARSED = ROUTES.stream()
      .map(route -> new Parsed(route.service(),
          route.patterns().stream().map(PathPatternParser.defaultInstance::parse).toList()))
      .toList();

  private RoutedPaths() {}

  /** The service the gateway forwards {@code path} (a concrete path) to, if any. */
  public static Optional<String> serviceFor(String path) {
    PathContainer container = PathContainer.parsePath(path);
    return PARSED.stream()
        .filter(route -> route.patterns().stream().anyMatch(pattern -> pattern.matches(container)))
        .map(Parsed::service)
        .findFirst();
  }

  /**
   * Whether an OpenAPI path template ({@code /collections/{id}}) that {@code service} documents is
   * one the gateway sends to that service; each variable stands for one ordinary segment.
   */
  public static boolean routesTo(String template, String service) {
    String sample = template.replaceAll("\\{[^}/]+}", "x");
    return serviceFor(sample).filter(service::equals).isPresent();
  }
}
