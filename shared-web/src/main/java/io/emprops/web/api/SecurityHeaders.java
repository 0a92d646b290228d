package io.emprops.web.api;

import java.util.Map;
import java.util.function.BiConsumer;

/**
 * The security headers on every error answer written outside the ordinary response path — by the
 * gateway before or below its security chain (Netty), by a service's servlet container (Tomcat's
 * error report, Jetty's error handler): the same set the gateway's Spring Security header writers
 * put on every answer of its filter chain, so an error from any layer looks no different.
 */
public final class SecurityHeaders {

  public static final Map<String, String> ON_EVERY_ANSWER = Map.of(
      "X-Content-Type-Options", "nosniff",
      "X-Frame-Options", "DENY",
      "Referrer-Policy", "no-referrer",
      "Content-Security-Policy", "frame-ancestors 'none'",
      "X-XSS-Protection", "0",
      "Cache-Control", "no-cache, no-store, max-age=0, must-revalidate",
      "Pragma", "no-cache",
      "Expires", "0");

  private SecurityHeaders() {}

  /** Adds each header that {@code present} says is missing. */
  public static void addMissing(java.util.function.Predicate<String> present, BiConsumer<String, String> set) {
    ON_EVERY_ANSWER.forEach((name, value) -> {
      if (!present.test(name)) {
        set.accept(name, value);
      }
    });
  }
}
