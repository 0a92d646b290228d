package io.emprops.generator.domain.execution;

import io.emprops.generator.domain.job.Job;
import io.emprops.generator.domain.job.OwnJobs;
import io.emprops.web.api.ApiException;
import java.util.UUID;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * The owner cancels a job that has not finished ({@link JobLifecycle#cancel}): its steps in flight
 * are cancelled in the job queue, and {@code GenerationCancelled} tells credits-service to charge
 * the completed steps and release the rest.
 */
@Service
public class JobCancellations {

  private final OwnJobs ownJobs;
  private final JobLifecycle lifecycle;

  public JobCancellations(OwnJobs ownJobs, JobLifecycle lifecycle) {
    this.ownJobs = ownJobs;
    this.lifecycle = lifecycle;
  }

  @Transactional
  public Job cancel(String userId, UUID jobId) {
    Job job = ownJobs.lock(userId, jobId);
    if (!job.isActive()) {
      throw ApiException.conflict("The job has already ended (" + job.status() + ")");
    }
    return lifecycle.cancel(job);
  }
}
