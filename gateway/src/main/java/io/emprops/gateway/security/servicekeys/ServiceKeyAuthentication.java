package io.emprops.gateway.security.servicekeys;

import io.emprops.gateway.security.CallerAuthentication;
import io.emprops.web.identity.CallerIdentity;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Set;
import org.springframework.http.HttpHeaders;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.ReactiveAuthenticationManager;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.web.server.authentication.ServerAuthenticationConverter;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatcher;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatcher.MatchResult;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * A system calling with a service key as its bearer token ({@code Authorization: Bearer
 * emps_…}, the way the job queue's API sends its {@code EMPROPS_API_KEY}) is the service identity
 * the key is configured for: user id {@code service:<role>}, that one role. The key is compared by
 * its SHA-256 against {@link ServiceKeyProperties}; user tokens and user API keys never carry a
 * service role ({@link CallerAuthentication} drops it). Service keys are told from JWTs by their
 * prefix, so they never reach the JWT decoder.
 */
public final class ServiceKeyAuthentication {

  /** How a service key starts (user API keys start with {@code emp_}). */
  public static final String KEY_PREFIX = "emps_";
  /** Roles only a service key grants. */
  public static final Set<String> SERVICE_ROLES = Set.of(CallerIdentity.JOB_QUEUE_ROLE);
  private static final String BEARER = "Bearer ";

  private ServiceKeyAuthentication() {}

  /** Requests that present a service key as their bearer token. */
  public static ServerWebExchangeMatcher matcher() {
    return exchange -> presentedKey(exchange) != null ? MatchResult.match() : MatchResult.notMatch();
  }

  public static ServerAuthenticationConverter converter() {
    return exchange -> Mono.justOrEmpty(presentedKey(exchange))
        .map(key -> UsernamePasswordAuthenticationToken.unauthenticated("service-key", key));
  }

  public static ReactiveAuthenticationManager manager(ServiceKeyProperties keys) {
    byte[] jobQueue = keys.jobQueue() == null ? null : keys.jobQueue().getBytes(StandardCharsets.US_ASCII);
    return presented -> {
      byte[] digest = digest(String.valueOf(presented.getCredentials())).getBytes(StandardCharsets.US_ASCII);
      if (jobQueue != null && MessageDigest.isEqual(digest, jobQueue)) {
        String role = CallerIdentity.JOB_QUEUE_ROLE;
        return Mono.just((Authentication) new CallerAuthentication(
            "service:" + role, Set.of(role), CallerAuthentication.Method.SERVICE_KEY));
      }
      return Mono.error(new BadCredentialsException("Invalid service key"));
    };
  }

  /** The bearer-token converter for JWTs, leaving service keys to this mechanism. */
  public static ServerAuthenticationConverter exceptServiceKeys(ServerAuthenticationConverter bearerTokens) {
    return exchange -> presentedKey(exchange) != null ? Mono.empty() : bearerTokens.convert(exchange);
  }

  /** SHA-256, hex: what the configuration holds (and the local stack generates). */
  public static String digest(String key) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 unavailable", e);
    }
  }

  private static String presentedKey(ServerWebExchange exchange) {
    String authorization = exchange.getRequest().getHeaders().getFirst(HttpHeaders.AUTHORIZATION);
    if (authorization == null || authorization.length() <= BEARER.length() + KEY_PREFIX.length()
        || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())
        || !authorization.startsWith(KEY_PREFIX, BEARER.length())) {
      return null;
    }
    return authorization.substring(BEARER.length()).trim();
  }
}
