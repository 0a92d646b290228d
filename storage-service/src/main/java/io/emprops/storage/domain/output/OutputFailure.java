package io.emprops.storage.domain.output;

/**
 * Why an output will not be stored.
 *
 * @param reason what went wrong, for people (no stack trace, no secrets)
 */
public record OutputFailure(Kind kind, String reason) {

  public enum Kind {
    /** It can never be read as it is: a forbidden or malformed URL, too large, the source refused it. */
    REFUSED,
    /** Its source could not be read within the attempts. */
    UNREACHABLE,
    /** The object store failed within the attempts. */
    STORE_UNAVAILABLE
  }
}
