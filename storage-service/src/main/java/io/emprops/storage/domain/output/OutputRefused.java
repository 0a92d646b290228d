package io.emprops.storage.domain.output;

/**
 * An output that will never be fetched as it is: a URL the policy forbids (scheme, host, address),
 * a malformed {@code data:} URL, or content over the limit. Retrying cannot help; nothing was
 * stored.
 */
public class OutputRefused extends RuntimeException {

  public OutputRefused(String message) {
    super(message);
  }
}
