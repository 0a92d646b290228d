package io.emprops.gateway.security;

import io.emprops.gateway.security.servicekeys.ServiceKeyAuthentication;
import io.emprops.web.identity.CallerIdentity;
import java.util.List;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

/**
 * A verified caller, however it proved itself. Everything after authentication (rate limits,
 * identity forwarding, API-key management) works from this alone.
 */
public final class CallerAuthentication extends AbstractAuthenticationToken {

  /** How the caller proved its identity. */
  public enum Method { BEARER_TOKEN, API_KEY, SERVICE_KEY }

  private final String userId;
  private final CallerIdentity identity;
  private final Method method;

  public CallerAuthentication(String userId, java.util.Set<String> roles, Method method) {
    this(userId, method, method == Method.SERVICE_KEY ? roles : withoutServiceRoles(roles));
  }

  private CallerAuthentication(String userId, Method method, java.util.Set<String> roles) {
    super(roles.stream().map(role -> new SimpleGrantedAuthority("ROLE_" + role)).toList());
    this.userId = userId;
    this.identity = CallerIdentity.user(userId, roles);
    this.method = method;
    setAuthenticated(true);
  }

  /** A user's token or key never carries a role that only a service key grants. */
  private static java.util.Set<String> withoutServiceRoles(java.util.Set<String> roles) {
    return roles.stream().filter(role -> !ServiceKeyAuthentication.SERVICE_ROLES.contains(role))
        .collect(java.util.stream.Collectors.toCollection(java.util.LinkedHashSet::new));
  }

  public CallerIdentity identity() {
    return identity;
  }

  public Method method() {
    return method;
  }

  @Override
  public Object getCredentials() {
    // Nothing secret is kept once the caller is verified.
    return "";
  }

  @Override
  public Object getPrincipal() {
    return userId;
  }

  @Override
  public String getName() {
    return userId;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof CallerAuthentication that
        && identity.equals(that.identity) && method == that.method;
  }

  @Override
  public int hashCode() {
    return List.of(identity, method).hashCode();
  }
}
