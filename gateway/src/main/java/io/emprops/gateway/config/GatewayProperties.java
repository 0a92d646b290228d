package io.emprops.gateway.config;

import io.emprops.gateway.ratelimit.RateLimitClass;
import java.net.URI;
import java.time.Duration;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * Everything the gateway is told from outside under {@code emprops.gateway}. The local-stack
 * launcher passes {@code jwt.*} and {@code services.*}; the rest has production defaults.
 */
@Validated
@ConfigurationProperties("emprops.gateway")
public record GatewayProperties(
    Jwt jwt,
    Services services,
    @DefaultValue Balancing balancing,
    @DefaultValue RateLimits rateLimits,
    @DefaultValue ApiKeys apiKeys,
    @DefaultValue Cors cors,
    @DefaultValue RequestLimits requestLimits) {

  public GatewayProperties {
    if (jwt == null || jwt.jwksUri() == null || jwt.issuer() == null || jwt.audience() == null) {
      throw new IllegalArgumentException(
          "emprops.gateway.jwt.jwks-uri, .issuer and .audience must all be set");
    }
    if (services == null) {
      throw new IllegalArgumentException("emprops.gateway.services.* must name every service");
    }
  }

  /**
   * @param clockSkew tolerated difference between the issuer's clock and ours for exp/nbf
   * @param jwksRefreshInterval how long a fetched key set is trusted before it is fetched again
   * @param jwksMinRefreshInterval the least time between two fetches triggered by unknown key
   *     ids, so that tokens with invented {@code kid}s cannot make us hammer the issuer
   */
  public record Jwt(
      URI jwksUri,
      String issuer,
      String audience,
      @DefaultValue("30s") Duration clockSkew,
      @DefaultValue("10m") Duration jwksRefreshInterval,
      @DefaultValue("10s") Duration jwksMinRefreshInterval) {}

  /**
   * Base URIs of the services behind the gateway, each one URI or a comma-separated list of the
   * instances of that service. One URI is routed to directly (in Kubernetes, a Service that
   * balances itself); several are balanced by the gateway.
   */
  public record Services(
      List<URI> collections,
      List<URI> credits,
      List<URI> generator,
      List<URI> publishing,
      List<URI> storage,
      List<URI> webhooks) {

    public Services {
      collections = instances("collections", collections);
      credits = instances("credits", credits);
      generator = instances("generator", generator);
      publishing = instances("publishing", publishing);
      storage = instances("storage", storage);
      webhooks = instances("webhooks", webhooks);
    }

    private static List<URI> instances(String service, List<URI> uris) {
      String property = "emprops.gateway.services." + service;
      if (uris == null || uris.isEmpty()) {
        throw new IllegalArgumentException(property + " must be set: one URI or a comma-separated list");
      }
      for (URI uri : uris) {
        // Without a host a route or balancer would fail per request instead of at startup.
        if (uri == null || uri.getHost() == null
            || !("http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme()))) {
          throw new IllegalArgumentException(property + ": '" + uri + "' is not an absolute http(s) URI");
        }
      }
      return List.copyOf(uris);
    }

    /** The instances of each service, in the order of the suite's services. */
    public Map<String, List<URI>> byName() {
      Map<String, List<URI>> byName = new LinkedHashMap<>();
      byName.put("collections", collections);
      byName.put("credits", credits);
      byName.put("generator", generator);
      byName.put("publishing", publishing);
      byName.put("storage", storage);
      byName.put("webhooks", webhooks);
      return byName;
    }
  }

  /**
   * @param skipRefusedFor how long an instance of a balanced service that refused a connection is
   *     left out before it is tried again
   */
  public record Balancing(@DefaultValue("5s") Duration skipRefusedFor) {}

  /** One limit: at most {@code limit} requests per fixed {@code window}. */
  public record Limit(int limit, Duration window) {

    public Limit {
      if (limit < 1 || window == null || window.toSeconds() < 1) {
        throw new IllegalArgumentException("a rate limit needs limit >= 1 and window >= 1s");
      }
    }
  }

  /**
   * The classes of API.md "Rate limits"; each can be overridden on its own. {@code redisBudget}:
   * how long a request may wait for its count in Redis before it passes uncounted (fail open).
   */
  public record RateLimits(
      @DefaultValue("true") boolean enabled,
      Limit standard,
      Limit generation,
      Limit upload,
      Limit anonymousBrowse,
      Limit failedAuthentication,
      @DefaultValue("250ms") Duration redisBudget) {

    public RateLimits {
      standard = standard != null ? standard : new Limit(100, Duration.ofMinutes(1));
      generation = generation != null ? generation : new Limit(10, Duration.ofMinutes(1));
      upload = upload != null ? upload : new Limit(5, Duration.ofMinutes(1));
      anonymousBrowse = anonymousBrowse != null ? anonymousBrowse : new Limit(1000, Duration.ofHours(1));
      failedAuthentication = failedAuthentication != null ? failedAuthentication : new Limit(20, Duration.ofMinutes(1));
    }

    public Map<RateLimitClass, Limit> byClass() {
      Map<RateLimitClass, Limit> limits = new EnumMap<>(RateLimitClass.class);
      limits.put(RateLimitClass.STANDARD, standard);
      limits.put(RateLimitClass.GENERATION, generation);
      limits.put(RateLimitClass.UPLOAD, upload);
      limits.put(RateLimitClass.ANONYMOUS_BROWSE, anonymousBrowse);
      limits.put(RateLimitClass.FAILED_AUTHENTICATION, failedAuthentication);
      return limits;
    }
  }

  /**
   * @param cacheTtl how long a gateway instance trusts a key it looked up; bounds how long a
   *     revoked key keeps working on other instances
   * @param maxKeysPerUser a cap so that one account cannot fill the store
   */
  public record ApiKeys(
      @DefaultValue("5s") Duration cacheTtl,
      @DefaultValue("25") int maxKeysPerUser) {}

  /** Browser origins allowed to call the API; empty means no cross-origin access. */
  public record Cors(
      @DefaultValue List<String> allowedOrigins,
      @DefaultValue({"GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}) List<String> allowedMethods,
      @DefaultValue({"Authorization", "Content-Type", "X-API-Key", "Idempotency-Key", "Last-Event-ID"})
          List<String> allowedHeaders,
      @DefaultValue({"X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset", "Retry-After"})
          List<String> exposedHeaders,
      @DefaultValue("1h") Duration maxAge) {}

  /**
   * @param maxBodySize the largest request body accepted in general
   * @param maxUploadSize the largest body of {@code POST /assets} (the storage service streams it)
   */
  public record RequestLimits(
      @DefaultValue("1MB") DataSize maxBodySize,
      @DefaultValue("50MB") DataSize maxUploadSize) {}
}
