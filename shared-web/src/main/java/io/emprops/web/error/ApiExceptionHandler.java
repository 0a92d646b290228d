package io.emprops.web.error;

import io.emprops.web.api.ApiException;
import io.emprops.web.api.ApiResponse;
import io.emprops.web.api.ApiResponse.FieldError;
import io.emprops.web.api.ErrorCode;
import jakarta.validation.ConstraintViolationException;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.dao.OptimisticLockingFailureException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.HandlerMethodValidationException;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.multipart.MultipartException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/**
 * Renders every failure in the envelope of API.md. Client mistakes keep their 4xx status and
 * name the offending field; anything unexpected is logged with its stack trace and answered with
 * a bare 500 {@code INTERNAL}, so no internals leak.
 */
@RestControllerAdvice
@Order(Ordered.LOWEST_PRECEDENCE)
public class ApiExceptionHandler extends ResponseEntityExceptionHandler {

  private static final Logger log = LoggerFactory.getLogger(ApiExceptionHandler.class);

  @ExceptionHandler(ApiException.class)
  public ResponseEntity<ApiResponse<Void>> handleApi(ApiException e) {
    return respond(e.code(), e.getMessage(), e.details());
  }

  @ExceptionHandler(ConstraintViolationException.class)
  public ResponseEntity<ApiResponse<Void>> handleConstraintViolation(ConstraintViolationException e) {
    List<FieldError> details = e.getConstraintViolations().stream()
        .map(v -> new FieldError(FieldNames.lastNode(v.getPropertyPath().toString()), v.getMessage()))
        .toList();
    return respond(ErrorCode.VALIDATION_FAILED, "Validation failed", details);
  }

  @ExceptionHandler(MethodArgumentTypeMismatchException.class)
  public ResponseEntity<ApiResponse<Void>> handleTypeMismatch(MethodArgumentTypeMismatchException e) {
    String rule = e.getMostSpecificCause() instanceof io.emprops.web.input.InvalidParameterValue invalid
        ? invalid.getMessage()
        : e.getRequiredType() == null ? "has an invalid value" : MessageNotReadable.mustBe(e.getRequiredType());
    return respond(ErrorCode.VALIDATION_FAILED, "Validation failed",
        List.of(new FieldError(e.getName(), rule)));
  }

  @ExceptionHandler(OptimisticLockingFailureException.class)
  public ResponseEntity<ApiResponse<Void>> handleConcurrentUpdate(OptimisticLockingFailureException e) {
    return respond(ErrorCode.CONFLICT,
        "The resource was changed by another request; reload it and try again", List.of());
  }

  /**
   * A multipart body the container cannot parse (no boundary, truncated part): raised before any
   * handler is chosen, so for every endpoint alike. Too large a body is handled apart (413).
   */
  @ExceptionHandler(MultipartException.class)
  public ResponseEntity<ApiResponse<Void>> handleMalformedMultipart(MultipartException e) {
    return respond(ErrorCode.VALIDATION_FAILED,
        "Malformed multipart request body (a multipart/form-data body needs its boundary and complete parts)",
        List.of());
  }

  @ExceptionHandler(Exception.class)
  public ResponseEntity<ApiResponse<Void>> handleUnexpected(Exception e) {
    log.error("Unhandled exception", e);
    return respond(ErrorCode.INTERNAL, "Internal server error", List.of());
  }

  @Override
  protected ResponseEntity<Object> handleMethodArgumentNotValid(
      MethodArgumentNotValidException e, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
    List<FieldError> details = e.getBindingResult().getFieldErrors().stream()
        .map(f -> new FieldError(FieldNames.toJson(f.getField()), f.getDefaultMessage()))
        .toList();
    return untyped(respond(ErrorCode.VALIDATION_FAILED, "Validation failed", details));
  }

  @Override
  protected ResponseEntity<Object> handleHandlerMethodValidationException(
      HandlerMethodValidationException e, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
    List<FieldError> details = e.getParameterValidationResults().stream()
        .flatMap(r -> r.getResolvableErrors().stream().map(err -> new FieldError(
            r.getMethodParameter().getParameterName(), err.getDefaultMessage())))
        .toList();
    return untyped(respond(ErrorCode.VALIDATION_FAILED, "Validation failed", details));
  }

  @Override
  protected ResponseEntity<Object> handleHttpMessageNotReadable(
      HttpMessageNotReadableException e, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
    MessageNotReadable.Description description = MessageNotReadable.describe(e);
    return untyped(respond(ErrorCode.VALIDATION_FAILED, description.message(),
        description.field().map(List::of).orElse(List.of())));
  }

  /** Every other exception Spring MVC itself raises (404, 405, 406, 413, 415, missing parameter…). */
  @Override
  protected ResponseEntity<Object> handleExceptionInternal(
      Exception e, Object body, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
    ErrorCode code = ErrorCode.forStatus(status.value());
    String message = status.is5xxServerError() ? "Internal server error" : conciseMessage(e, status);
    if (status.is5xxServerError()) {
      log.error("Request failed", e);
    }
    return ResponseEntity.status(status).headers(headers)
        .body(ApiResponse.failure(code, message));
  }

  private static String conciseMessage(Exception e, HttpStatusCode status) {
    if (e instanceof org.springframework.web.servlet.resource.NoResourceFoundException
        || e instanceof org.springframework.web.servlet.NoHandlerFoundException) {
      return "No such endpoint";
    }
    if (e instanceof org.springframework.web.ErrorResponse er && er.getBody().getDetail() != null) {
      return er.getBody().getDetail();
    }
    return org.springframework.http.HttpStatus.valueOf(status.value()).getReasonPhrase();
  }

  private static ResponseEntity<ApiResponse<Void>> respond(
      ErrorCode code, String message, List<FieldError> details) {
    return ResponseEntity.status(code.status()).body(ApiResponse.failure(code, message, details));
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static ResponseEntity<Object> untyped(ResponseEntity<?> entity) {
    return (ResponseEntity) entity;
  }
}
