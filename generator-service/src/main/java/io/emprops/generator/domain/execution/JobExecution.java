package io.emprops.generator.domain.execution;

import io.emprops.events.contract.GenerationCompleted;
import io.emprops.events.contract.GenerationFailed;
import io.emprops.events.contract.GenerationOutput;
import io.emprops.events.contract.GenerationStarted;
import io.emprops.events.contract.GenerationStepCompleted;
import io.emprops.events.outbox.Outbox;
import io.emprops.generator.config.ExecutionProperties;
import io.emprops.generator.domain.engine.GenerationPlan;
import io.emprops.generator.domain.job.Job;
import io.emprops.generator.domain.template.TemplateRenderer;
import io.emprops.generator.domain.workflow.Workflow;
import io.emprops.generator.domain.workflow.WorkflowCatalog;
import io.emprops.generator.domain.workflow.WorkflowDefinition;
import io.emprops.generator.persistence.JobRepository;
import io.emprops.generator.persistence.JobStepRepository;
import io.emprops.generator.persistence.WorkflowRepository;
import io.emprops.generator.progress.JobEvent;
import io.emprops.generator.progress.JobEventLog;
import io.emprops.generator.progress.ProgressThrottle;
import io.emprops.web.api.ApiException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Runs a job's instruction set (ARCHITECTURE.md, generation saga step 4): generations × steps,
 * each step handed to the job queue (or run as fetch_api) once the steps it takes {@code $ref}
 * outputs from have completed, and the job ended with {@code GenerationCompleted} or
 * {@code GenerationFailed} so credits-service settles the reservation.
 *
 * <p>Every method is one transaction and idempotent: queue messages arrive duplicated, late and
 * at every instance at once, so each change is a conditional update of the step's current
 * submission, and completions and failures serialise on the job's row. Submissions to the queue
 * happen after the transaction commits ({@link StepDispatcher}); one lost by a crash is found by
 * the reconciler.
 */
@Service
public class JobExecution {

  private static final Logger log = LoggerFactory.getLogger(JobExecution.class);
  public static final String GENERATION_FAILED = "GENERATION_FAILED";

  private final JobRepository jobs;
  private final JobStepRepository steps;
  private final WorkflowRepository workflows;
  private final WorkflowCatalog catalog;
  private final StepDispatcher dispatcher;
  private final JobEventLog events;
  private final ProgressThrottle progressThrottle;
  private final Outbox outbox;
  private final ExecutionProperties properties;
  private final JsonMapper json;
  private final MeterRegistry meters;
  private final Clock clock = Clock.systemUTC();

  public JobExecution(JobRepository jobs, JobStepRepository steps, WorkflowRepository workflows,
      WorkflowCatalog catalog, StepDispatcher dispatcher, JobEventLog events, ProgressThrottle progressThrottle,
      Outbox outbox, ExecutionProperties properties, JsonMapper json, MeterRegistry meters) {
    this.jobs = jobs;
    this.steps = steps;
    this.workflows = workflows;
    this.catalog = catalog;
    this.dispatcher = dispatcher;
    this.events = events;
    this.progressThrottle = progressThrottle;
    this.outbox = outbox;
    this.properties = properties;
    this.json = json;
    this.meters = meters;
  }

  /**
   * Lays out a job whose credits were just reserved and hands its first steps to the queue. Runs
   * in the transaction that moved the job to {@code queued}.
   */
  @Transactional(propagation = Propagation.MANDATORY)
  public void begin(UUID jobId) {
    JsonNode plan = json.readTree(jobs.plan(jobId));
    JsonNode planned = plan.path("steps");
    int perGeneration = planned.size();
    Map<String, Boolean> takesSeed = new HashMap<>();
    planned.forEach(step -> takesSeed.computeIfAbsent(step.path("workflow").asString(), this::declaresSeed));
    List<JobStep> laidOut = new ArrayList<>();
    for (JsonNode generation : plan.path("generations")) {
      int g = generation.path("index").asInt();
      Map<String, JsonNode> variables = new HashMap<>();
      generation.path("variables").properties().forEach(e -> variables.put(e.getKey(), e.getValue()));
      for (int i = 0; i < perGeneration; i++) {
        JsonNode step = planned.get(i);
        JsonNode inputs = TemplateRenderer.render(step.get("payload"), variables).document();
        if (takesSeed.get(step.path("workflow").asString())) {
          inputs = withDerivedSeed(inputs, generation.path("hash").asString());
        }
        laidOut.add(new JobStep(jobId, g, step.path("id").asInt(), g * perGeneration + i + 1,
            step.path("workflow").asString(), JobStep.Kind.valueOf(step.path("kind").asString().toUpperCase()),
            step.path("service_required").asString(null), step.path("cost").asLong(),
            List.copyOf(GenerationPlan.refsIn(step.get("payload"))), inputs, JobStep.WAITING, 0, null, null, null,
            null, null, 0, null, null, null, null));
      }
    }
    steps.insertAll(laidOut);
    jobs.originalOf(jobId).ifPresent(original -> steps.reuseCompleted(jobId, original));
    advance(jobs.find(jobId).orElseThrow());
  }

  /**
   * A worker claimed the step (or the fetch executor started it). Every change to a job and its
   * steps takes the job's row lock first, so they serialise per job in one lock order (no
   * deadlocks) and its events are appended in commit order.
   */
  @Transactional
  public void onClaimed(String queueStepId, String workerId) {
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
    markProcessing(step.jobId());
    ObjectNode data = stepData(step);
    data.put("worker_id", workerId);
    events.appendLocked(step.jobId(), "processing", JobEvent.NODE_STARTED, "Started " + step.label(), data);
  }

  /**
   * A worker reported progress; relayed at most every {@code progressInterval} per job, the last
   * report of a burst once the interval allows ({@link ProgressThrottle}). This is the engine's
   * most frequent message, so for a running step it costs two statements and the commit.
   */
  @Transactional
  public void onProgress(String queueStepId, String workerId, int progress, String message) {
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
    ObjectNode data = stepData(step);
    data.put("progress", step.progress());
    data.put("message", text);
    progressThrottle.report(step.jobId(), queueStepId, text, data);
  }

  /**
   * The step finished with {@code output}: recorded once (a duplicate, a late message for an
   * earlier submission or for a cancelled step changes nothing), then its dependants are
   * submitted or the job completes.
   *
   * @return whether this call recorded it
   */
  @Transactional
  public boolean onCompleted(String queueStepId, StepOutput output) {
    Optional<JobStep> found = steps.bySubmission(queueStepId);
    if (found.isEmpty()) {
      return false;
    }
    Job job = jobs.lock(found.get().jobId()).orElseThrow();
    // The last report of the step's final burst (its 100 %), held back by the throttle, goes first.
    events.appendUnsentProgress(job.id(), queueStepId);
    if (!steps.complete(queueStepId, output)) {
      return false;
    }
    // Its generation and step id, all that is used below, do not change on completion.
    JobStep step = found.get();
    markProcessing(job.id());
    ObjectNode completed = stepData(step);
    completed.set("output", output.value());
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
      // The generation's input travels with its outputs, so consumers can reproduce it (a
      // collection made from the asset) without asking for the plan.
      JsonNode input = plannedGeneration(job.id(), step.generation());
      for (int i = 0; i < output.files().size(); i++) {
        StepOutput.File file = output.files().get(i);
        ObjectNode image = stepData(step);
        image.putNull("asset_id");
        image.put("url", file.url());
        image.put("mime_type", file.mimeType());
        events.appendLocked(job.id(), "processing", JobEvent.IMAGE_GENERATED, "Output of " + step.label(), image);
        outbox.publish(new GenerationStepCompleted(job.id(), job.userId(), job.collectionId(), step.generation(),
            step.stepId(), file.url(), file.mimeType(), fileName(step, i, file.mimeType()), clock.instant(),
            input.path("hash").asString(null), input.get("variables")));
      }
    }
    jobs.refreshProgress(job.id());
    List<JobStep> all = steps.forJob(job.id());
    if (all.stream().allMatch(JobStep::isCompleted)) {
      complete(job, all);
    } else {
      advance(jobs.find(job.id()).orElseThrow());
    }
    return true;
  }

  /** The step failed for good (retries exhausted, timed out, or could not be prepared): so does the job. */
  @Transactional
  public boolean onFailed(String queueStepId, String error) {
    Optional<JobStep> found = steps.bySubmission(queueStepId);
    if (found.isEmpty()) {
      return false;
    }
    Job job = jobs.lock(found.get().jobId()).orElseThrow();
    if (!steps.fail(queueStepId, error)) {
      return false;
    }
    fail(job, found.get(), "The " + found.get().label() + " failed: " + error);
    return true;
  }

  /**
   * Gives a step in flight a new submission (its worker died, or the queue lost it), or fails it
   * once it used {@code maxAttempts}. The old submission is cancelled in the queue, and a late
   * message about it finds no step.
   */
  @Transactional
  public void resubmit(String queueStepId, String reason) {
    Optional<JobStep> found = steps.bySubmission(queueStepId);
    if (found.isEmpty() || !found.get().isInFlight()) {
      return;
    }
    JobStep step = found.get();
    Job job = jobs.lock(step.jobId()).orElseThrow();
    if (step.attempt() >= properties.maxAttempts()) {
      if (steps.fail(queueStepId, reason)) {
        if (step.kind() == JobStep.Kind.QUEUE) {
          dispatcher.abandonAfterCommit(queueStepId, "Abandoned by EmProps: " + reason + "; the job failed");
        }
        fail(job, step, "The " + step.label() + " failed: " + reason + " (after " + step.attempt() + " attempts)");
      }
      return;
    }
    String next = UUID.randomUUID().toString();
    if (!steps.resubmit(queueStepId, next)) {
      return;
    }
    log.warn("Job {}: {} resubmitted as {} ({})", job.id(), step.label(), next, reason);
    if (step.kind() == JobStep.Kind.QUEUE) {
      dispatcher.abandonAfterCommit(queueStepId, "Abandoned by EmProps: " + reason + "; resubmitted as " + next);
    }
    dispatcher.dispatchAfterCommit(List.of(next));
    ObjectNode data = stepData(step);
    data.put("status", job.status());
    data.put("attempt", step.attempt() + 1);
    events.appendLocked(job.id(), job.status(), JobEvent.JOB_STATUS,
        "The " + step.label() + " is resubmitted: " + reason, data);
  }

  /** Hands every waiting step whose inputs are all available to the queue. */
  private void advance(Job job) {
    List<JobStep> all = steps.forJob(job.id());
    Map<Integer, Map<Integer, JsonNode>> outputs = new HashMap<>();
    all.stream().filter(JobStep::isCompleted)
        .forEach(s -> outputs.computeIfAbsent(s.generation(), g -> new HashMap<>()).put(s.stepId(), s.output()));
    Map<String, Workflow> workflowsByName = new HashMap<>();
    List<JobStepRepository.Prepared> ready = new ArrayList<>();
    for (JobStep step : all) {
      Map<Integer, JsonNode> available = outputs.getOrDefault(step.generation(), Map.of());
      if (!JobStep.WAITING.equals(step.status()) || !available.keySet().containsAll(step.dependsOn())) {
        continue;
      }
      try {
        ready.add(new JobStepRepository.Prepared(step, UUID.randomUUID().toString(),
            prepare(step, available, workflowsByName)));
      } catch (ApiException | IllegalStateException e) {
        fail(job, step, "The " + step.label() + " cannot run: " + e.getMessage());
        return;
      }
    }
    if (!ready.isEmpty()) {
      dispatcher.dispatchAfterCommit(steps.queueAll(ready));
    }
  }

  /** The step's payload: its inputs with {@code $ref}s replaced, rendered by its workflow. */
  private JsonNode prepare(JobStep step, Map<Integer, JsonNode> outputs, Map<String, Workflow> workflowsByName) {
    JsonNode inputs = GenerationPlan.replaceRefs(step.inputs(), outputs);
    Workflow workflow = workflowsByName.computeIfAbsent(step.workflowName(), name -> workflows.findByName(name)
        .orElseThrow(() -> new IllegalStateException("its workflow " + name + " no longer exists")));
    return catalog.render(workflow, inputs).payload();
  }

  private void complete(Job job, List<JobStep> all) {
    jobs.transition(job.id(), "processing", "completed", null, null);
    List<GenerationOutput> outputs = steps.outputsOf(job.id()).stream()
        .map(o -> new GenerationOutput(o.generation(), o.stepId(), o.assetId(), o.url(), o.mimeType())).toList();
    long spent = all.stream().mapToLong(JobStep::cost).sum();
    ObjectNode data = json.createObjectNode();
    data.put("status", "completed");
    data.set("outputs", json.valueToTree(outputs));
    events.appendLocked(job.id(), "completed", JobEvent.JOB_COMPLETED, "All " + all.size() + " steps completed", data);
    outbox.publish(new GenerationCompleted(job.id(), job.userId(), job.collectionId(), spent, outputs, clock.instant()));
  }

  /** Ends the job failed: steps still in flight are cancelled, completed work is charged. */
  private void fail(Job job, JobStep failed, String message) {
    Job current = jobs.find(job.id()).orElseThrow();
    if (!current.isActive() || !jobs.transition(job.id(), current.status(), Job.FAILED, GENERATION_FAILED, message)) {
      return;
    }
    for (JobStep other : steps.cancelInFlight(job.id())) {
      if (other.kind() == JobStep.Kind.QUEUE && other.queueStepId() != null) {
        dispatcher.abandonAfterCommit(other.queueStepId(), "Abandoned by EmProps: its job failed (" + message + ")");
      }
    }
    long spent = spentOn(job.id());
    ObjectNode data = stepData(failed);
    data.put("code", GENERATION_FAILED);
    data.put("error", message);
    events.appendLocked(job.id(), Job.FAILED, JobEvent.JOB_FAILED, message, data);
    outbox.publish(new GenerationFailed(job.id(), job.userId(), job.collectionId(), GENERATION_FAILED, message,
        failed.stepId(), spent, clock.instant()));
  }

  /** Credits the completed steps cost: what a failed or cancelled job is charged. */
  public long spentOn(UUID jobId) {
    return steps.forJob(jobId).stream().filter(JobStep::isCompleted).mapToLong(JobStep::cost).sum();
  }

  private void markProcessing(UUID jobId) {
    if (jobs.startProcessing(jobId)) {
      Job job = jobs.find(jobId).orElseThrow();
      events.appendLocked(jobId, "processing", JobEvent.JOB_STATUS, "A worker started the job",
          json.createObjectNode().put("status", "processing"));
      outbox.publish(new GenerationStarted(jobId, job.userId(), job.collectionId(), job.generations(),
          steps.countForJob(jobId), clock.instant()));
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

  private ObjectNode stepData(JobStep step) {
    ObjectNode data = json.createObjectNode();
    data.put("step_id", step.stepId());
    data.put("generation", step.generation());
    return data;
  }

  /** {@code step-<id>.<ext>}, and {@code step-<id>-<n>.<ext>} for a step's further files. */
  private static String fileName(JobStep step, int ordinal, String mimeType) {
    String extension = mimeType == null ? "bin" : switch (mimeType) {
      case "image/png" -> "png";
      case "image/jpeg" -> "jpg";
      case "image/webp" -> "webp";
      case "image/gif" -> "gif";
      case "video/mp4" -> "mp4";
      default -> "bin";
    };
    return "step-" + step.stepId() + (ordinal == 0 ? "" : "-" + ordinal) + "." + extension;
  }

  private boolean declaresSeed(String workflowName) {
    return workflows.findByName(workflowName)
        .map(w -> WorkflowDefinition.read(w.type(), w.data(), new ArrayList<>()).fields().stream()
            .anyMatch(f -> f.name().equals("seed")))
        .orElse(false);
  }

  /**
   * A step that leaves its workflow's {@code seed} unset gets one derived from the generation's
   * hash: generations differ, and the same hash reproduces the same output.
   */
  private JsonNode withDerivedSeed(JsonNode inputs, String hash) {
    if (!(inputs instanceof ObjectNode object) || object.has("seed") || hash == null || hash.isEmpty()) {
      return inputs;
    }
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(("seed:" + hash).getBytes(StandardCharsets.UTF_8));
      long seed = ((digest[0] & 0xFFL) << 24) | ((digest[1] & 0xFFL) << 16) | ((digest[2] & 0xFFL) << 8) | (digest[3] & 0xFFL);
      ObjectNode copy = object.deepCopy();
      copy.put("seed", seed);
      return copy;
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
