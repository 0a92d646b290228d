package io.emprops.generator.domain.job;

import io.emprops.events.contract.GenerationCancelled;
import io.emprops.events.outbox.Outbox;
import io.emprops.generator.persistence.JobRepository;
import io.emprops.web.api.ApiException;
import java.time.Clock;
import java.util.UUID;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Cancels a job that has not finished and announces it, so credits-service releases what the
 * job did not spend. Nothing has run before the execution loop starts a job, so nothing is spent.
 */
@Service
public class JobCancellations {

  private final JobRepository jobs;
  private final Outbox outbox;
  private final Clock clock = Clock.systemUTC();

  public JobCancellations(JobRepository jobs, Outbox outbox) {
    this.jobs = jobs;
    this.outbox = outbox;
  }

  @Transactional
  public Job cancel(String userId, UUID jobId) {
    Job job = jobs.lock(jobId).filter(j -> j.userId().equals(userId))
        .orElseThrow(() -> ApiException.notFound("Job"));
    if (!job.isActive()) {
      throw ApiException.conflict("The job has already ended (" + job.status() + ")");
    }
    jobs.transition(jobId, job.status(), Job.CANCELLED, null, null);
    jobs.recordHistory(jobId, Job.CANCELLED, "Cancelled by the owner");
    outbox.publish(new GenerationCancelled(jobId, userId, job.collectionId(), 0, clock.instant()));
    return jobs.find(jobId).orElseThrow();
  }
}
