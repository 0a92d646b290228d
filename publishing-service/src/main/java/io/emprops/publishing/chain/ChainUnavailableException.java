package io.emprops.publishing.chain;

/** The chain's RPC endpoint could not be reached or answered nonsense; the call may be retried. */
public class ChainUnavailableException extends RuntimeException {

  public ChainUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
