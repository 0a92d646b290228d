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
        endings.fail(job, step, "The " + step.label() + " cannot run: " + e.getMessage());
        return;
      }
    }
    if (!ready.isEmpty()) {
      Set<String> queued = new HashSet<>(steps.queueAll(ready));
      dispatcher.dispatchPreparedAfterCommit(job, counts,
          ready.stream().filter(p -> queued.contains(p.queueStepId())).toList());
    }
  }

  /** The step's payload: its inputs with {@code $ref}s replaced, rendered by its workflow. */
  private JsonNode prepare(JobStep step, Map<Integer, JsonNode> outputs, Map<String, Workflow> workflowsByName) {
    JsonNode inputs = GenerationPlan.replaceRefs(step.inputs(), outputs);
    Workflow workflow = workflowsByName.computeIfAbsent(step.workflowName(), name -> workflows.findByName(name)
        .orElseThrow(() -> new IllegalStateException("its workflow " + name + " no longer exists")));
    return catalog.render(workflow, inputs).payload();
  }
}
