package io.emprops.gateway.errors;

import org.springframework.util.unit.DataSize;

/** A request body above the configured limit; answered 413 {@code PAYLOAD_TOO_LARGE}. */
public class PayloadTooLargeException extends RuntimeException {

  public PayloadTooLargeException(DataSize limit) {
    super("Request body exceeds the limit of " + limit.toBytes() + " bytes");
  }
}
