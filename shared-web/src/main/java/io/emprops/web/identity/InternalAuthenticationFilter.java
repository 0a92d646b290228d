package io.emprops.web.identity;

import io.emprops.web.api.ErrorBodies;
import io.emprops.web.api.ErrorCode;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.MediaType;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Admits only requests that carry the gateway's internal credential, and exposes the identity
 * it vouches for as a {@link CallerIdentity} request attribute. Probes and metrics stay open so
 * that orchestrators and scrapers need no secret.
 */
public class InternalAuthenticationFilter extends OncePerRequestFilter {

  public static final String CALLER_ATTRIBUTE = CallerIdentity.class.getName();
  private static final Logger log = LoggerFactory.getLogger(InternalAuthenticationFilter.class);

  private final InternalCredential credential;
  private final List<String> openPathPrefixes;

  public InternalAuthenticationFilter(InternalCredential credential, List<String> openPathPrefixes) {
    this.credential = credential;
    this.openPathPrefixes = List.copyOf(openPathPrefixes);
  }

  @Override
  protected boolean shouldNotFilter(HttpServletRequest request) {
    String path = request.getRequestURI();
    return openPathPrefixes.stream().anyMatch(path::startsWith);
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    String userId = request.getHeader(IdentityHeaders.USER_ID);
    CallerIdentity caller = userId == null || userId.isBlank()
        ? CallerIdentity.anonymous()
        : CallerIdentity.user(userId, CallerIdentity.parseRoles(request.getHeader(IdentityHeaders.USER_ROLES)));
    Optional<String> refusal = credential.verify(
        request.getHeader(IdentityHeaders.INTERNAL_AUTH),
        request.getMethod(),
        request.getRequestURI(),
        caller);
    if (refusal.isPresent()) {
      log.warn("Refused {} {} from {}: {}", request.getMethod(), request.getRequestURI(),
          request.getRemoteAddr(), refusal.get());
      response.setStatus(HttpServletResponse.SC_UNAUTHORIZED);
      response.setContentType(MediaType.APPLICATION_JSON_VALUE);
      response.setCharacterEncoding(StandardCharsets.UTF_8.name());
      response.getWriter().write(ErrorBodies.json(ErrorCode.UNAUTHORIZED,
          "Requests must come through the gateway"));
      return;
    }
    request.setAttribute(CALLER_ATTRIBUTE, caller);
    chain.doFilter(request, response);
  }
}
