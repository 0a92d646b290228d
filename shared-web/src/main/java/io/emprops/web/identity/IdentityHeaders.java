package io.emprops.web.identity;

import java.util.Locale;

/** Headers by which the gateway tells a service who the caller is. */
public final class IdentityHeaders {

  public static final String USER_ID = "X-User-Id";
  public static final String USER_ROLES = "X-User-Roles";
  /** HMAC over the identity and the request line; see {@link InternalCredential}. */
  public static final String INTERNAL_AUTH = "X-Internal-Auth";

  private IdentityHeaders() {}

  /**
   * Whether a client-sent header must be dropped at the edge: every {@code X-User-*} and
   * {@code X-Internal-*} header, whatever its case.
   */
  public static boolean isReserved(String headerName) {
    String name = headerName.toLowerCase(Locale.ROOT);
    return name.startsWith("x-user-") || name.startsWith("x-internal-");
  }
}
