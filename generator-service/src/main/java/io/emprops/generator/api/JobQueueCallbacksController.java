package io.emprops.generator.api;

import io.emprops.generator.domain.execution.JobStep;
import io.emprops.generator.domain.execution.QueueCallbacks;
import io.emprops.generator.domain.job.Job;
import io.emprops.generator.persistence.JobStepRepository;
import io.emprops.web.api.ApiException;
import io.emprops.web.api.ApiResponse;
import io.emprops.web.identity.CallerIdentity;
import jakarta.validation.constraints.Size;
import java.util.List;
import java.util.UUID;
import org.springframework.validation.annotation.Validated;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/**
 * The job queue's call-backs (JOB-QUEUE.md, "Workflow completion and call-backs"), for its service
 * identity only (role {@code job-queue}, which the gateway grants to the queue's service key and
 * never to a user): when it takes a workflow for finished and our job resource does not say
 * {@code completed} yet, it lists the job's steps, asks us to complete a step, then the job.
 * Nothing here completes what the queue's hashes do not show completed: the body the queue sends
 * with a step ({@code output_data}, …) is never used as an output.
 */
@RestController
@Validated
public class JobQueueCallbacksController {

  private final QueueCallbacks callbacks;
  private final JobStepRepository steps;

  public JobQueueCallbacksController(QueueCallbacks callbacks, JobStepRepository steps) {
    this.callbacks = callbacks;
    this.steps = steps;
  }

  /**
   * {@code {data: {steps: [{step_id, status, …}], …}}}; {@code steps} is repeated beside the
   * envelope, where the queue's API reads it.
   */
  @GetMapping("/jobs/{jobId}/steps")
  public StepsResponse steps(CallerIdentity caller, @PathVariable UUID jobId) {
    caller.requireRole(CallerIdentity.JOB_QUEUE_ROLE);
    QueueCallbacks.JobSteps job = callbacks.steps(jobId);
    List<StepView> views = job.steps().stream()
        .filter(s -> s.kind() == JobStep.Kind.QUEUE && s.queueStepId() != null)
        .map(StepView::of).toList();
    long completed = job.steps().stream().filter(JobStep::isCompleted).count();
    return new StepsResponse(new Steps(job.job().id(), job.job().status(), job.steps().size(), completed, views),
        null, views);
  }

  /** Confirms a step's completion from the queue's hash: 200 with the step, 409 when the hash says otherwise. */
  @PostMapping("/steps/{stepId}/complete")
  public ApiResponse<StepView> completeStep(CallerIdentity caller, @PathVariable @Size(max = 200) String stepId,
      @RequestBody(required = false) JsonNode body) {
    caller.requireRole(CallerIdentity.JOB_QUEUE_ROLE);
    requireObject(body);
    return ApiResponse.ok(StepView.of(callbacks.confirmStep(stepId)));
  }

  /** Confirms the job's completion: 200 with the job once every step completed, else 409. */
  @PostMapping("/jobs/{jobId}/complete")
  public ApiResponse<JobsController.JobView> completeJob(CallerIdentity caller, @PathVariable UUID jobId,
      @RequestBody(required = false) JsonNode body) {
    caller.requireRole(CallerIdentity.JOB_QUEUE_ROLE);
    requireObject(body);
    Job job = callbacks.confirmJob(jobId);
    return ApiResponse.ok(JobsController.JobView.of(job, steps.forJob(jobId), steps.outputsOf(jobId)));
  }

  private static void requireObject(JsonNode body) {
    if (body != null && !body.isObject() && !body.isNull() && !body.isMissingNode()) {
      throw ApiException.invalid("body", "must be a JSON object");
    }
  }

  /** The envelope, with the steps also at the top level for the queue's API. */
  public record StepsResponse(Steps data, String error, List<StepView> steps) {}

  public record Steps(UUID jobId, String jobStatus, int totalSteps, long completedSteps, List<StepView> steps) {}

  /**
   * One step as the queue knows it: {@code step_id} is its id in the queue (the current
   * submission), {@code status} in the queue's words; {@code state} is ours.
   */
  public record StepView(String stepId, String status, String state, int generation, int step, String workerId,
      int progress) {
    static StepView of(JobStep step) {
      String status = switch (step.status()) {
        case JobStep.RUNNING -> "in_progress";
        case JobStep.COMPLETED -> "completed";
        case JobStep.FAILED, JobStep.CANCELLED -> "failed";
        default -> "pending";
      };
      return new StepView(step.queueStepId(), status, step.status(), step.generation(), step.stepId(),
          step.workerId(), step.progress());
    }
  }
}
