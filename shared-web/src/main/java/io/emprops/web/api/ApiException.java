package io.emprops.web.api;

import java.util.List;

/**
 * A failure the client is told about: it carries the code, the message and the invalid fields.
 * Thrown from anywhere in a request; the shared error handler renders it in the envelope.
 */
public class ApiException extends RuntimeException {

  private final ErrorCode code;
  private final List<ApiResponse.FieldError> details;

  public ApiException(ErrorCode code, String message) {
    this(code, message, List.of());
  }

  public ApiException(ErrorCode code, String message, List<ApiResponse.FieldError> details) {
    super(message);
    this.code = code;
    this.details = List.copyOf(details);
  }

  public ErrorCode code() {
    return code;
  }

  public List<ApiResponse.FieldError> details() {
    return details;
  }

  public static ApiException notFound(String what) {
    return new ApiException(ErrorCode.NOT_FOUND, what + " not found");
  }

  public static ApiException forbidden(String message) {
    return new ApiException(ErrorCode.FORBIDDEN, message);
  }

  public static ApiException conflict(String message) {
    return new ApiException(ErrorCode.CONFLICT, message);
  }

  public static ApiException invalid(String field, String message) {
    return new ApiException(
        ErrorCode.VALIDATION_FAILED,
        "Validation failed",
        List.of(new ApiResponse.FieldError(field, message)));
  }
}
