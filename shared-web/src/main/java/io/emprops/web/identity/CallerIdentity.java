package io.emprops.web.identity;

import io.emprops.web.api.ApiException;
import io.emprops.web.api.ErrorCode;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The caller as verified by the gateway. {@code userId} is empty for anonymous calls to public
 * endpoints.
 */
public record CallerIdentity(Optional<String> userId, Set<String> roles) {

  public static final String ADMIN_ROLE = "admin";
  /**
   * The EmProps job queue's service identity (its call-backs): granted by the gateway to the
   * queue's configured service key only, never to a user's token or API key.
   */
  public static final String JOB_QUEUE_ROLE = "job-queue";
  private static final CallerIdentity ANONYMOUS = new CallerIdentity(Optional.empty(), Set.of());

  public CallerIdentity {
    roles = Set.copyOf(roles);
  }

  public static CallerIdentity anonymous() {
    return ANONYMOUS;
  }

  public static CallerIdentity user(String userId, Set<String> roles) {
    return new CallerIdentity(Optional.of(userId), roles);
  }

  public boolean isAuthenticated() {
    return userId.isPresent();
  }

  /** The user id, or a 401 for an anonymous caller on an endpoint that needs one. */
  public String requireUserId() {
    return userId.orElseThrow(
        () -> new ApiException(ErrorCode.UNAUTHORIZED, "Authentication required"));
  }

  /** Nothing, or a 403 when the caller lacks {@code role}. */
  public void requireRole(String role) {
    requireUserId();
    if (!hasRole(role)) {
      throw ApiException.forbidden("Requires the " + role + " role");
    }
  }

  public boolean hasRole(String role) {
    return roles.contains(role);
  }

  /** Roles as carried in {@link IdentityHeaders#USER_ROLES}: sorted, comma-separated. */
  public String rolesHeader() {
    return roles.stream().sorted().collect(Collectors.joining(","));
  }

  public static Set<String> parseRoles(String header) {
    if (header == null || header.isBlank()) {
      return Set.of();
    }
    return Arrays.stream(header.split(","))
        .map(String::trim)
        .filter(r -> !r.isEmpty())
        .collect(Collectors.toCollection(LinkedHashSet::new));
  }
}
