package io.emprops.generator.domain.job;

import io.emprops.generator.persistence.JobRepository;
import io.emprops.web.api.ApiException;
import java.util.UUID;
import org.springframework.stereotype.Component;

/**
 * A user's own job, or 404: another user's job is not found, so its existence is not told.
 */
@Component
public class OwnJobs {

  private final JobRepository jobs;

  public OwnJobs(JobRepository jobs) {
    this.jobs = jobs;
  }

  public Job find(String userId, UUID jobId) {
    return jobs.find(jobId).filter(job -> job.userId().equals(userId)).orElseThrow(OwnJobs::notFound);
  }

  /** {@link #find}, with the job's row lock held for the rest of the caller's transaction. */
  public Job lock(String userId, UUID jobId) {
    return jobs.lock(jobId).filter(job -> job.userId().equals(userId)).orElseThrow(OwnJobs::notFound);
  }

  private static ApiException notFound() {
    return ApiException.notFound("Job");
  }
}
