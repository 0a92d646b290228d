package io.emprops.generator.domain.execution;

import io.emprops.generator.domain.engine.GenerationPlan;
import io.emprops.generator.domain.job.Job;
import io.emprops.generator.domain.workflow.Workflow;
import io.emprops.generator.domain.workflow.WorkflowCatalog;
import io.emprops.generator.persistence.JobStepRepository;
import io.emprops.generator.persistence.WorkflowRepository;
import io.emprops.web.api.ApiException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

/**
 * Hands every waiting step whose inputs are all available (the steps it takes {@code $ref}
 * outputs from have completed) to the queue, after commit; a step that cannot be prepared fails
 * the job.
 */
@Component
class ReadySteps {

  private final JobStepRepository steps;
  private final WorkflowRepository workflows;
  private final WorkflowCatalog catalog;
  private final StepDispatcher dispatcher;
  private final JobEndings endings;

  ReadySteps(JobStepRepository steps, WorkflowRepository workflows, WorkflowCatalog catalog,
      StepDispatcher dispatcher, JobEndings endings) {
    this.steps = steps;
    this.workflows = workflows;
    this.catalog = catalog;
    this.dispatcher = dispatcher;
    this.endings = endings;
  }

  /** Lays out and queues the job's waiting steps whose inputs are ready; {@code counts}: the job's, just read. */
  void dispatch(Job job, JobStepRepository.Counts counts) {
    if (counts.waiting() == 0) {
      // Nothing left to lay out (every step of a one-step workflow is queued at once): reading
      // every step's output here, for each completion, made a job's completions quadratic.
      return;
    }
    dispatch(job, counts, steps.forJob(job.id()));
  }

  /** {@link #dispatch(Job, JobStepRepository.Counts)} of a job whose steps are {@code all}, as this transaction holds them. */
  void dispatch(Job job, JobStepRepository.Counts counts, List<JobStep> all) {
    List<JobStepRepository.Prepared> ready;
    try {
      ready = prepareReady(all);
    } catch (CannotRun e) {
      endings.fail(job.id(), e.step, e.getMessage());
      return;
    }
    if (!ready.isEmpty()) {
      Set<String> queued = new HashSet<>(steps.queueAll(ready));
      dispatcher.dispatchPreparedAfterCommit(job, counts,
          ready.stream().filter(p -> queued.contains(p.queueStepId())).toList());
    }
  }

  /**
   * Stores the steps of a job just laid out ({@code laidOut}, all waiting), those whose inputs are
   * ready already queued, in one batch (nothing to update after it), and hands those to the queue
   * after commit.
   */
  void insertAndDispatch(Job job, List<JobStep> laidOut) {
    List<JobStepRepository.Prepared> ready;
    try {
      ready = prepareReady(laidOut);
    } catch (CannotRun e) {
      steps.insertAll(laidOut, List.of());
      endings.fail(job.id(), e.step, e.getMessage());
      return;
    }
    steps.insertAll(laidOut, ready);
    dispatcher.dispatchPreparedAfterCommit(job, new JobStepRepository.Counts(laidOut.size(), 0, laidOut.size()), ready);
  }

  /** A ready step that cannot be prepared: its job fails. */
  private static final class CannotRun extends RuntimeException {
    private final transient JobStep step;

    CannotRun(JobStep step, String message) {
      super(message, null, false, false);
      this.step = step;
    }
  }

  /** The waiting steps of {@code all} whose inputs are available, prepared for the queue. */
  private List<JobStepRepository.Prepared> prepareReady(List<JobStep> all) {
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
        throw new CannotRun(step, "The " + step.label() + " cannot run: " + e.getMessage());
      }
    }
    return ready;
  }

  /** The step's payload: its inputs with {@code $ref}s replaced, rendered by its workflow. */
  private JsonNode prepare(JobStep step, Map<Integer, JsonNode> outputs, Map<String, Workflow> workflowsByName) {
    JsonNode inputs = GenerationPlan.replaceRefs(step.inputs(), outputs);
    Workflow workflow = workflowsByName.computeIfAbsent(step.workflowName(), name -> workflows.findByName(name)
        .orElseThrow(() -> new IllegalStateException("its workflow " + name + " no longer exists")));
    return catalog.render(workflow, inputs).payload();
  }
}
