package io.emprops.gateway.security.jwt;

import java.net.URI;
import org.springframework.security.oauth2.jwt.JwtException;

/**
 * The issuer's keys cannot be fetched and none we hold verifies the token: whether it is valid is
 * unknown, so the caller is told to retry (503 with {@code Retry-After}), never that its token is
 * invalid (401). Not a {@code BadJwtException}: Spring Security turns it into an
 * {@code AuthenticationServiceException}, which reaches the error handler instead of the
 * authentication entry point.
 */
public final class SigningKeysUnavailableException extends JwtException {

  public SigningKeysUnavailableException(URI jwksUri, Throwable cause) {
    super("The token's signing key cannot be fetched from " + jwksUri + " now", cause);
  }
}
