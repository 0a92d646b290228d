package io.emprops.generator.domain.execution;

import io.emprops.generator.config.ExecutionProperties;
import io.emprops.generator.domain.job.GenerationNotifications;
import io.emprops.generator.domain.job.Job;
import io.emprops.generator.persistence.JobOutputRepository;
import io.emprops.generator.persistence.JobRepository;
import io.emprops.generator.persistence.JobStepRepository;
import io.emprops.generator.progress.JobEvent;
import io.emprops.generator.progress.JobEventLog;
import io.emprops.generator.progress.ProgressThrottle;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * What workers report about a step's submission (claimed, progress, completed, failed), each
 * recorded once: a duplicate, a late message for an earlier submission or for a cancelled step
 * changes nothing. Every change takes the job's row lock first, so they serialise per job in one
 * lock order (no deadlocks) and its events are appended in commit order.
 */
@Component
class WorkerReports {

  private static final Logger log = LoggerFactory.getLogger(WorkerReports.class);

  private final JobRepository jobs;
  private final JobStepRepository steps;
  private final JobOutputRepository outputs;
  private final JobLifecycle lifecycle;
  private final JobEndings endings;
  private final ReadySteps ready;
  private final JobEventLog events;
  private final JobEventData data;
  private final ProgressThrottle progressThrottle;
  private final GenerationNotifications notifications;
  private final ExecutionProperties properties;
  private final JsonMapper json;
  private final MeterRegistry meters;

  WorkerReports(JobRepository jobs, JobStepRepository steps, JobOutputRepository outputs, JobLifecycle lifecycle,
      JobEndings endings, ReadySteps ready, JobEventLog events, JobEventData data, ProgressThrottle progressThrottle,
      GenerationNotifications notifications, ExecutionProperties properties, JsonMapper json, MeterRegistry meters) {
    this.jobs = jobs;
    this.steps = steps;
    this.outputs = outputs;
    this.lifecycle = lifecycle;
    this.endings = endings;
    this.ready = ready;
    this.events = events;
    this.data = data;
    this.progressThrottle = progressThrottle;
    this.notifications = notifications;
    this.properties = properties;
    this.json = json;
    this.meters = meters;
  }

  void claimed(String queueStepId, String workerId) {
    steps.lockJobOfSubmission(queueStepId).ifPresent(step -> started(step, workerId));
  }

  /**
   * Records the first sign of work on the submission (a claim, or progress when the claim was
   * lost). {@code step} may predate the lock: only its identity is used, the claim itself is a
   * conditional update.
   */
  private void started(JobStep step, String workerId) {
    if (!steps.claim(step.queueStepId(), workerId)) {
      return;
    }
    lifecycle.startProcessing(step.jobId());
    ObjectNode started = data.step(step);
    started.put("worker_id", workerId);
    events.appendLocked(step.jobId(), "processing", JobEvent.NODE_STARTED, "Started " + step.label(), started);
  }

  /** See {@link JobExecution#onProgress}. */
  void progressed(String queueStepId, String workerId, int progress, String message) {
    String text = message == null ? "" : message;
    Optional<JobStep> updated = steps.lockJobAndProgressRunning(queueStepId, workerId, progress, text);
    if (updated.isEmpty()) {
      // Not running: a step reported on before its claim was seen (the claim message is late or
      // lost) starts now; one that has ended or is not ours changes nothing.
      Optional<JobStep> found = steps.lockJobOfSubmission(queueStepId);
      if (found.isEmpty() || !JobStep.QUEUED.equals(found.get().status())) {
        return;
      }
      started(found.get(), workerId);
      updated = steps.progress(queueStepId, workerId, progress, text);
      if (updated.isEmpty()) {
        return;
      }
    }
    JobStep step = updated.get();
    ObjectNode progressed = data.step(step);
    progressed.put("progress", step.progress());
    progressed.put("message", text);
    progressThrottle.report(step.jobId(), queueStepId, text, progressed);
  }

  /** See {@link JobExecution#onCompleted}. */
  boolean completed(String queueStepId, StepOutput output) {
    Optional<Job> locked = jobs.lockOfSubmission(queueStepId);
    if (locked.isEmpty()) {
      return false;
    }
    Job job = locked.get();
    Optional<JobStepRepository.Completion> completion = steps.complete(queueStepId, output);
    if (completion.isEmpty()) {
      return false;
    }
    JobStep step = completion.get().step();
    JobRepository.Refreshed refreshed = jobs.refreshProgress(job.id());
    // The last report of the step's final burst (its 100 %), held back by the throttle, goes first.
    completion.get().lastReport().ifPresent(report ->
        events.appendLastReport(job.id(), job.userId(), job.collectionId(), refreshed.progress(), report));
    if (Job.QUEUED.equals(job.status())) {
      // Its claim and progress were lost: the worker's completion is the first sign of work.
      lifecycle.startProcessing(job.id());
    }
    ObjectNode completed = data.step(step);
    if (!output.hasFiles()) {
      // A step's files reach clients as image events, with their durable URLs: never the
      // worker's location, which may be the whole image inline (a data: URL).
      completed.set("output", output.value());
    }
    completed.put("files", output.files().size());
    String message = "Completed " + step.label();
    if (!output.hasFiles() && step.kind() == JobStep.Kind.QUEUE) {
      // A worker's result we cannot read would otherwise be a success without images.
      completed.put("output_recognised", false);
      message += "; its result holds no output file we recognise and is kept as it is";
      Counter.builder("generator_step_results_unrecognised_total").tag("service", step.serviceRequired())
          .description("Queue steps that completed with a result holding no output file we recognise (kept as it is)")
          .register(meters).increment();
      log.warn("Job {}: {} on service '{}' completed with a result holding no output file we recognise "
          + "(its fields: {}); kept as it is", job.id(), step.label(), step.serviceRequired(),
          WorkerResults.shapeOf(output.raw()));
    }
    events.appendLocked(job.id(), "processing", JobEvent.NODE_COMPLETED, message, completed);
    if (output.hasFiles()) {
      storeFiles(job, step, output);
    }
    JobStepRepository.Counts counts = refreshed.counts();
    if (counts.allCompleted()) {
      endings.finish(job, counts, true);
    } else {
      ready.dispatch(job, counts);
    }
    return true;
  }

  /** See {@link JobExecution#onFailed}. */
  boolean failed(String queueStepId, String error) {
    Optional<JobStep> found = steps.lockJobOfSubmission(queueStepId);
    if (found.isEmpty() || !steps.fail(queueStepId, error)) {
      return false;
    }
    endings.fail(found.get().jobId(), found.get(), "The " + found.get().label() + " failed: " + error);
    return true;
  }

  /** Hands the step's files to storage-service, each announced to clients as being stored. */
  private void storeFiles(Job job, JobStep step, StepOutput output) {
    // The generation's input travels with its outputs, so consumers can reproduce it (a
    // collection made from the asset) without asking for the plan.
    JsonNode input = plannedGeneration(job.id(), step.generation());
    for (int i = 0; i < output.files().size(); i++) {
      StepOutput.File file = output.files().get(i);
      JobOutput storing = new JobOutput(step.generation(), step.stepId(), i, file.mimeType(),
          JobOutput.Status.STORING, null, null, null);
      events.appendLocked(job.id(), "processing", JobEvent.IMAGE_GENERATED, "Output " + i + " of " + step.label()
          + "; storing it", data.output(storing));
      if (isInline(file) && file.url().length() > properties.maxInlineOutput().toBytes()) {
        refuseInline(job, storing, file);
        continue;
      }
      // The worker's location (a data: URL for inline output) goes to storage-service only.
      notifications.outputProduced(job, step.generation(), step.stepId(), i, file.url(), file.mimeType(),
          OutputFileNames.of(step.stepId(), i, file.mimeType()), input);
    }
  }

  /**
   * The generation's entry in the job's plan ({@code index, hash, variables}), fixed at acceptance.
   * Every planned job has one; should it be missing, the output still goes to storage, without its input.
   */
  private JsonNode plannedGeneration(UUID jobId, int generation) {
    return jobs.plannedGeneration(jobId, generation).map(json::readTree).orElseGet(() -> {
      log.warn("Job {}: generation {} is not in its plan; its outputs go out without their input", jobId, generation);
      return json.missingNode();
    });
  }

  private static boolean isInline(StepOutput.File file) {
    return file.url().regionMatches(true, 0, "data:", 0, 5);
  }

  /** An inline output too large for an event (see {@link ExecutionProperties#maxInlineOutput}) fails at once. */
  private void refuseInline(Job job, JobOutput output, StepOutput.File file) {
    String error = "not stored: the worker returned it inline, a data: URL of " + file.url().length()
        + " characters, more than can be handed to storage-service in an event"
        + " (emprops.generator.execution.max-inline-output = " + properties.maxInlineOutput()
        + "); workers must upload outputs this large and return their URL";
    log.warn("Job {}: {} {}", job.id(), output.label(), error);
    for (JobOutputRepository.Changed failed : outputs.markFailed(job.id(), output.generation(), output.stepId(),
        output.index(), error)) {
      events.appendLocked(job.id(), "processing", JobEvent.IMAGE_STORE_FAILED, "Could not store " + output.label()
          + ": " + error, data.output(failed.output()));
    }
  }
}
