package io.emprops.gateway.ratelimit;

/** The classes of API.md "Rate limits"; each has its own counter per caller. */
public enum RateLimitClass {
  STANDARD("standard"),
  GENERATION("generation"),
  UPLOAD("upload"),
  ANONYMOUS_BROWSE("anonymous-browse"),
  /** Credentials presented and refused, per client address (not one of API.md's request classes). */
  FAILED_AUTHENTICATION("failed-authentication");

  private final String key;

  RateLimitClass(String key) {
    this.key = key;
  }

  /** The name in Redis keys and in configuration ({@code emprops.gateway.rate-limits.<name>}). */
  public String key() {
    return key;
  }
}
