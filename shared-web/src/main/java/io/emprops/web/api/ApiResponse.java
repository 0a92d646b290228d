package io.emprops.web.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonInclude.Include;
import java.util.List;

/**
 * The envelope of every JSON response: {@code {"data": ..., "error": ...}}, plus a machine
 * {@code code} and optional per-field {@code details} on errors (API.md, "Envelope and errors").
 */
public record ApiResponse<T>(
    T data,
    String error,
    @JsonInclude(Include.NON_NULL) String code,
    @JsonInclude(Include.NON_EMPTY) List<FieldError> details) {

  public static <T> ApiResponse<T> ok(T data) {
    return new ApiResponse<>(data, null, null, null);
  }

  public static ApiResponse<Void> failure(ErrorCode code, String message) {
    return new ApiResponse<>(null, message, code.name(), null);
  }

  public static ApiResponse<Void> failure(ErrorCode code, String message, List<FieldError> details) {
    return new ApiResponse<>(null, message, code.name(), details);
  }

  /** One invalid input: {@code field} is a dotted path into the request. */
  public record FieldError(String field, String message) {}
}
