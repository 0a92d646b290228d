package io.emprops.collections.domain;

import io.emprops.web.api.ApiException;
import io.emprops.web.api.ApiResponse.FieldError;
import io.emprops.web.api.ErrorCode;
import java.util.ArrayList;
import java.util.List;

/**
 * Collects every problem of a request before answering, so that a client can fix them all in
 * one round trip. Fields are JSON paths as the client wrote them ({@code data.steps[1].id}).
 */
public final class Violations {

  private final List<FieldError> errors = new ArrayList<>();

  public Violations add(String field, String message) {
    errors.add(new FieldError(field, message));
    return this;
  }

  public boolean isEmpty() {
    return errors.isEmpty();
  }

  public List<FieldError> list() {
    return List.copyOf(errors);
  }

  /** A 400 listing every violation, when there is any. */
  public void throwIfAny() {
    if (!errors.isEmpty()) {
      throw new ApiException(ErrorCode.VALIDATION_FAILED, "Validation failed", errors);
    }
  }
}
