package io.emprops.web.api;

/** The machine codes of API.md, each with the HTTP status it is answered with. */
public enum ErrorCode {
  VALIDATION_FAILED(400),
  /** More than one credential on one request: which one speaks for the caller would be a guess. */
  AMBIGUOUS_CREDENTIALS(400),
  UNAUTHORIZED(401),
  INSUFFICIENT_CREDITS(402),
  FORBIDDEN(403),
  NOT_FOUND(404),
  WORKFLOW_NOT_FOUND(404),
  METHOD_NOT_ALLOWED(405),
  NOT_ACCEPTABLE(406),
  CONFLICT(409),
  PAYLOAD_TOO_LARGE(413),
  UNSUPPORTED_MEDIA_TYPE(415),
  WORKFLOW_NOT_EXECUTABLE(422),
  MODEL_UNAVAILABLE(422),
  CHAIN_UNSUPPORTED(422),
  RATE_LIMITED(429),
  INTERNAL(500),
  GENERATION_FAILED(502),
  SERVICE_UNAVAILABLE(503),
  GATEWAY_TIMEOUT(504);

  private final int status;

  ErrorCode(int status) {
    this.status = status;
  }

  public int status() {
    return status;
  }

  /** The code a bare HTTP status maps to when nothing more specific is known. */
  public static ErrorCode forStatus(int status) {
    return switch (status) {
      case 400 -> VALIDATION_FAILED;
      case 401 -> UNAUTHORIZED;
      case 402 -> INSUFFICIENT_CREDITS;
      case 403 -> FORBIDDEN;
      case 404 -> NOT_FOUND;
      case 405 -> METHOD_NOT_ALLOWED;
      case 406 -> NOT_ACCEPTABLE;
      case 409 -> CONFLICT;
      case 413 -> PAYLOAD_TOO_LARGE;
      case 415 -> UNSUPPORTED_MEDIA_TYPE;
      case 422 -> WORKFLOW_NOT_EXECUTABLE;
      case 429 -> RATE_LIMITED;
      case 503 -> SERVICE_UNAVAILABLE;
      case 504 -> GATEWAY_TIMEOUT;
      default -> status >= 500 ? INTERNAL : VALIDATION_FAILED;
    };
  }
}
