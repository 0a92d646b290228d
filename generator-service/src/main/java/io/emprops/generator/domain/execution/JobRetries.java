package io.emprops.generator.domain.execution;

import io.emprops.events.contract.TokenMinted;
import io.emprops.generator.domain.job.GenerationNotifications;
import io.emprops.generator.domain.job.Job;
import io.emprops.generator.domain.job.OwnJobs;
import io.emprops.generator.persistence.AwaitingCollectionRepository;
import io.emprops.generator.persistence.CollectionViewRepository;
import io.emprops.generator.persistence.JobRepository;
import io.emprops.generator.persistence.JobStepRepository;
import io.emprops.generator.progress.JobEvent;
import io.emprops.generator.progress.JobEventLog;
import io.emprops.web.api.ApiException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Retries a failed job from where it failed. The retry is a job of its own, linked to the failed
 * one: the failed job's credit saga has ended (its completed work charged, the rest released), so
 * the retry runs its own saga for the work left — its price is the steps that did not complete,
 * and the completed steps' outputs are reused, never run or charged again. A failed job has at
 * most one retry; asking again returns it.
 *
 * <p>A retry of a minted token's generation is paid by the mint like the job it retries (see
 * {@code TokenGenerations}): it keeps the token link, costs nothing, asks credits for nothing and
 * is dispatched at once.
 */
@Service
public class JobRetries {

  private final JobRepository jobs;
  private final OwnJobs ownJobs;
  private final JobStepRepository steps;
  private final JobEventLog events;
  private final GenerationNotifications notifications;
  private final JobExecution execution;
  private final JsonMapper json;
  private final CollectionViewRepository collections;
  private final AwaitingCollectionRepository awaiting;

  public JobRetries(JobRepository jobs, OwnJobs ownJobs, JobStepRepository steps, JobEventLog events,
      GenerationNotifications notifications, JobExecution execution, JsonMapper json,
      CollectionViewRepository collections, AwaitingCollectionRepository awaiting) {
    this.execution = execution;
    this.jobs = jobs;
    this.ownJobs = ownJobs;
    this.steps = steps;
    this.events = events;
    this.notifications = notifications;
    this.json = json;
    this.collections = collections;
    this.awaiting = awaiting;
  }

  @Transactional
  public Job retry(String userId, UUID jobId) {
    Job failed = ownJobs.lock(userId, jobId);
    var earlier = jobs.retryOf(jobId);
    if (earlier.isPresent()) {
      return earlier.get();
    }
    if (!Job.FAILED.equals(failed.status())) {
      throw ApiException.conflict("Only a failed job can be retried; this one is " + failed.status());
    }
    if (awaiting.isAwaiting(jobId) || collections.find(failed.collectionId()).isEmpty()) {
      // A job of POST /api/collections/generate whose collection collections-service refused.
      throw ApiException.conflict("The job's collection was never created; there is nothing to retry");
    }
    Map<String, Long> completedCost = new HashMap<>();
    // Steps whose outputs could not be stored run again, like failed ones.
    List<JobStep> done = steps.completedWork(jobId);
    done.forEach(s -> completedCost.put(s.generation() + ":" + s.stepId(), s.cost()));
    JsonNode plan = json.readTree(jobs.plan(jobId));
    if (plan.path("steps").isEmpty()) {
      throw ApiException.conflict("The job never had a step to run (" + failed.error() + "); there is nothing to retry");
    }
    long remaining = 0;
    for (JsonNode generation : plan.path("generations")) {
      for (JsonNode step : plan.path("steps")) {
        String key = generation.path("index").asInt() + ":" + step.path("id").asInt();
        if (!completedCost.containsKey(key)) {
          remaining += step.path("cost").asLong();
        }
      }
    }
    if (failed.isPaidByMint()) {
      return retryPaidByMint(failed, done.size());
    }
    Job retry = new Job(UUID.randomUUID(), userId, failed.collectionId(), failed.jobType(), Job.PENDING, 0,
        failed.generations(), remaining, null, null, failed.requestHash(), null, null, null);
    insertRetry(retry, failed.id());
    events.append(retry.id(), Job.PENDING, JobEvent.JOB_STATUS,
        "Retry of job " + jobId + ": " + done.size() + " completed step(s) reused; waiting for credits",
        json.createObjectNode().put("status", Job.PENDING).put("retry_of", jobId.toString()));
    notifications.requested(retry);
    return jobs.find(retry.id()).orElseThrow();
  }

  /**
   * The retry of a token's generation: queued and dispatched in this transaction, with no credit
   * saga (its plan's steps cost nothing). Its id is derived from the failed job's.
   */
  private Job retryPaidByMint(Job failed, int reused) {
    // Derived from the failed job's id, as the token's own job id is from the token, so
    // credits-service tells it from a job it should have reserved for.
    Job retry = new Job(TokenMinted.generationRetryJobIdOf(failed.id()), failed.userId(), failed.collectionId(),
        failed.jobType(), Job.QUEUED, 0, failed.generations(), 0, null, null, failed.requestHash(), null, null, null,
        failed.token());
    insertRetry(retry, failed.id());
    events.append(retry.id(), Job.QUEUED, JobEvent.JOB_STATUS, "Retry of job " + failed.id() + ": " + reused
        + " completed step(s) reused; paid by the mint of token " + failed.token().tokenId() + " (no credits are"
        + " reserved); queued", json.createObjectNode().put("status", Job.QUEUED).put("retry_of", failed.id().toString()));
    execution.begin(retry.id());
    return jobs.find(retry.id()).orElseThrow();
  }

  private void insertRetry(Job retry, UUID originalId) {
    jobs.insert(retry, jobs.plan(originalId), null);
    if (!jobs.markRetry(retry.id(), originalId)) {
      throw ApiException.conflict("The job is being retried by another request");
    }
  }
}
