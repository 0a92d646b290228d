package io.emprops.generator.api;

import io.emprops.generator.domain.job.Job;
import io.emprops.web.api.ApiException;
import io.emprops.web.api.ErrorCode;

/** A job that credits-service refused to reserve for answers 402, wherever it was asked for. */
final class CreditRefusals {

  /**
   * The reason credits-service gives a refused reservation ({@code CreditsReservationRejected.reason}),
   * which the job keeps as its error code: the API's 402 code.
   */
  static final String INSUFFICIENT_CREDITS = ErrorCode.INSUFFICIENT_CREDITS.name();

  private CreditRefusals() {}

  /** @throws ApiException 402 when credits-service refused the job's reservation */
  static Job requireNotRefused(Job job) {
    if (Job.FAILED.equals(job.status()) && INSUFFICIENT_CREDITS.equals(job.errorCode())) {
      throw new ApiException(ErrorCode.INSUFFICIENT_CREDITS, "User lacks required credits: " + job.error());
    }
    return job;
  }
}
