package io.emprops.generator.domain.fetch;

/**
 * A {@code fetch_api} call that was refused or failed. Messages name hosts, statuses and paths but
 * never header values, so they are safe to show to the workflow's user and to log.
 */
public class FetchApiException extends RuntimeException {

  private final boolean retryable;

  public FetchApiException(String message, boolean retryable) {
    this(message, retryable, null);
  }

  public FetchApiException(String message, boolean retryable, Throwable cause) {
    super(message, cause);
    this.retryable = retryable;
  }

  /** Whether the same request may succeed later (a timeout, 5xx, 429); false when it never will. */
  public boolean retryable() {
    return retryable;
  }
}
