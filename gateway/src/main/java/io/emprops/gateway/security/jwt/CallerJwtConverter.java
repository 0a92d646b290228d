package io.emprops.gateway.security.jwt;

import io.emprops.gateway.security.CallerAuthentication;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Set;
import org.springframework.core.convert.converter.Converter;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.oauth2.jwt.Jwt;
import reactor.core.publisher.Mono;

/** A verified token → the caller: {@code sub} is the user id, the {@code roles} claim the roles. */
public final class CallerJwtConverter implements Converter<Jwt, Mono<AbstractAuthenticationToken>> {

  static final String ROLES_CLAIM = "roles";

  @Override
  public Mono<AbstractAuthenticationToken> convert(Jwt jwt) {
    return Mono.just(new CallerAuthentication(
        jwt.getSubject(), roles(jwt.getClaim(ROLES_CLAIM)), CallerAuthentication.Method.BEARER_TOKEN));
  }

  private static Set<String> roles(Object claim) {
    Set<String> roles = new LinkedHashSet<>();
    if (claim instanceof Collection<?> values) {
      for (Object value : values) {
        // Roles travel comma-separated to the services: a comma inside a role would forge another.
        if (value instanceof String role && !role.isBlank() && role.indexOf(',') < 0) {
          roles.add(role.trim());
        }
      }
    }
    return roles;
  }
}
