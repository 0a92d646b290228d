package io.emprops.generator.domain.execution;

import io.emprops.generator.config.ExecutionProperties;
import io.emprops.generator.domain.job.Job;
import io.emprops.generator.persistence.AfterCommit;
import io.emprops.generator.persistence.JobRepository;
import io.emprops.generator.persistence.JobStepRepository;
import io.emprops.generator.queue.JobQueueClient;
import io.emprops.generator.queue.StepSubmission;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Hands prepared steps to whoever runs them, after the transaction that prepared them commits:
 * queue steps are written to the job queue (keyed by their submission id, so a repeated dispatch
 * never enqueues twice), fetch_api steps are run by the {@link FetchStepRunner}. A dispatch lost
 * to a crash is repeated by the reconciler (the step stays without {@code submitted_at}).
 */
@Component
public class StepDispatcher implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(StepDispatcher.class);

  private final JobStepRepository steps;
  private final JobRepository jobs;
  private final JobQueueClient queue;
  private final OwnSubmissions ours;
  private final ObjectProvider<FetchStepRunner> fetchRunner;
  private final ExecutionProperties properties;
  private final JsonMapper json;
  private final Clock clock = Clock.systemUTC();
  private final Counter submitted;
  // Dispatching does I/O; it must not hold up the committing thread or run on a Redis I/O thread.
  private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();

  StepDispatcher(JobStepRepository steps, JobRepository jobs, JobQueueClient queue, OwnSubmissions ours,
      ObjectProvider<FetchStepRunner> fetchRunner, ExecutionProperties properties, JsonMapper json,
      MeterRegistry meters) {
    this.steps = steps;
    this.jobs = jobs;
    this.queue = queue;
    this.ours = ours;
    this.fetchRunner = fetchRunner;
    this.properties = properties;
    this.json = json;
    this.submitted = Counter.builder("generator_steps_submitted_total")
        .description("Steps written to the job queue").register(meters);
  }

  public void dispatchAfterCommit(List<String> queueStepIds) {
    afterCommit(() -> dispatch(queueStepIds));
  }

  /** Tells the queue (and the step's worker) that its owner cancelled this submission. */
  public void cancelAfterCommit(String queueStepId, String reason) {
    giveUpAfterCommit(queueStepId, "Cancelling", () -> queue.cancel(queueStepId, reason));
  }

  /**
   * Tells the queue (and the step's worker) that we gave this submission up ({@code reason}): a
   * failure as the queue records one, not a user's cancel.
   */
  public void abandonAfterCommit(String queueStepId, String reason) {
    giveUpAfterCommit(queueStepId, "Abandoning", () -> queue.abandon(queueStepId, reason));
  }

  private void giveUpAfterCommit(String queueStepId, String what, Runnable giveUp) {
    afterCommit(() -> {
      try {
        giveUp.run();
      } catch (RuntimeException e) {
        log.warn("{} step {} in the queue failed; a late completion is still ignored", what, queueStepId, e);
      }
    });
  }

  /**
   * Dispatches steps the current transaction prepared, once it commits: queue steps are submitted
   * at once from what the transaction holds ({@code job}, the job's step {@code counts} when they
   * were prepared, each step's payload), and only then checked, so that no read stands between a
   * request and the worker; fetch_api steps go through {@link #dispatchAfterCommit}.
   */
  public void dispatchPreparedAfterCommit(Job job, JobStepRepository.Counts counts,
      List<JobStepRepository.Prepared> prepared) {
    List<StepSubmission> submissions = new ArrayList<>();
    List<String> fetches = new ArrayList<>();
    for (JobStepRepository.Prepared step : prepared) {
      if (step.step().kind() == JobStep.Kind.FETCH) {
        fetches.add(step.queueStepId());
      } else {
        submissions.add(submission(job, counts, step.queueStepId(), step.step().serviceRequired(), step.payload()));
      }
    }
    if (!submissions.isEmpty()) {
      afterCommit(() -> submitThenConfirm(submissions));
    }
    if (!fetches.isEmpty()) {
      dispatchAfterCommit(fetches);
    }
  }

  /** Submits (or runs) the steps now, queue steps in one pipeline. Safe to repeat. */
  public void dispatch(List<String> queueStepIds) {
    List<JobStep> inFlight = steps.bySubmissions(queueStepIds).stream().filter(JobStep::isInFlight).toList();
    List<JobStep> forQueue = new ArrayList<>();
    for (JobStep step : inFlight) {
      if (step.kind() == JobStep.Kind.FETCH) {
        fetchRunner.getObject().run(step);
      } else {
        forQueue.add(step);
      }
    }
    Map<UUID, Job> jobsById = new HashMap<>();
    Map<UUID, JobStepRepository.Counts> counts = new HashMap<>();
    List<StepSubmission> submissions = new ArrayList<>();
    for (JobStep step : forQueue) {
      Job job = jobsById.computeIfAbsent(step.jobId(), id -> jobs.find(id).orElseThrow());
      JobStepRepository.Counts count = counts.computeIfAbsent(step.jobId(), steps::countsForJob);
      submissions.add(submission(job, count, step.queueStepId(), step.serviceRequired(), step.payload()));
    }
    submit(submissions);
  }

  private StepSubmission submission(Job job, JobStepRepository.Counts count, String queueStepId,
      String serviceRequired, JsonNode payload) {
    return new StepSubmission(queueStepId, serviceRequired, properties.priority(), json.writeValueAsString(payload),
        job.userId(), clock.instant(), StepSubmission.DEFAULT_MAX_RETRIES, job.id().toString(), properties.priority(),
        job.createdAt().toEpochMilli(), currentStep(count.total(), count.completed()), count.total(),
        null, null, null, null, null);
  }

  private void submit(List<StepSubmission> submissions) {
    if (submissions.isEmpty()) {
      return;
    }
    steps.markSubmitted(write(submissions));
  }

  /** Writes the submissions to the queue, known as ours from then on. @return their ids */
  private List<String> write(List<StepSubmission> submissions) {
    List<String> ids = submissions.stream().map(StepSubmission::stepId).toList();
    ours.remember(ids);
    submitted.increment(queue.submitAll(submissions));
    return ids;
  }

  /**
   * Submits steps a transaction just committed, then marks those still in flight submitted. A step
   * that ended in between (its job cancelled, refused or failed, committed after ours) was given
   * up before the queue had it, which did nothing there; it is given up now, as its job's ending
   * would have. One that ends after the check gives itself up after its own commit, which follows
   * the submission: either way the queue is told, and never runs a step we no longer want.
   */
  private void submitThenConfirm(List<StepSubmission> submissions) {
    List<String> ids = write(submissions);
    Set<String> inFlight = steps.markSubmittedInFlight(ids);
    for (String id : ids) {
      if (!inFlight.contains(id)) {
        giveUpEnded(id);
      }
    }
  }

  private void giveUpEnded(String queueStepId) {
    Job job = steps.bySubmission(queueStepId).flatMap(step -> jobs.find(step.jobId())).orElse(null);
    if (job != null && Job.CANCELLED.equals(job.status())) {
      queue.cancel(queueStepId, "the job was cancelled before its step reached the queue");
    } else {
      queue.abandon(queueStepId, "Abandoned by EmProps: the step ended before its submission reached the queue"
          + (job == null ? "" : " (job " + job.status() + ")"));
    }
  }

  /**
   * The queue's {@code current_step} of a step submitted while {@code completed} of the job's
   * {@code total} steps have completed. The queue's API takes a step with {@code current_step ==
   * total_steps} completing for the end of the workflow (our job) and starts verifying it
   * (JOB-QUEUE.md, "Workflow completion and call-backs"). Our steps run in parallel and finish in
   * any order, so only a step submitted when every other step of the job has completed carries
   * {@code total}: when it completes, the job is complete. Every other step carries the number of
   * the job's steps completed before it plus one, at most {@code total - 1}: the queue sees the job
   * advance and never sees it finished early. (When several last steps run in parallel, none of
   * them carries {@code total}; the queue then never concludes on its own, which is harmless: it
   * only verifies.)
   */
  static int currentStep(int total, int completed) {
    return completed >= total - 1 ? total : Math.min(completed + 1, total - 1);
  }

  private void afterCommit(Runnable action) {
    Runnable guarded = () -> {
      try {
        action.run();
      } catch (RuntimeException e) {
        log.warn("Dispatch failed; the reconciler will repeat it", e);
      }
    };
    AfterCommit.run(() -> executor.execute(guarded));
  }

  @Override
  public void close() {
    executor.shutdown();
  }
}
