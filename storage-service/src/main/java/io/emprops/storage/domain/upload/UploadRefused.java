package io.emprops.storage.domain.upload;

/** An upload that is not accepted; nothing of it is kept. */
public class UploadRefused extends RuntimeException {

  public enum Reason { TOO_LARGE, UNSUPPORTED_TYPE }

  private final Reason reason;

  UploadRefused(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
