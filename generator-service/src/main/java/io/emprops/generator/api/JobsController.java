package io.emprops.generator.api;

import io.emprops.generator.config.GeneratorProperties;
import io.emprops.generator.domain.credit.CreditStandings;
import io.emprops.generator.domain.execution.JobCancellations;
import io.emprops.generator.domain.execution.JobOutput;
import io.emprops.generator.domain.execution.JobRetries;
import io.emprops.generator.domain.execution.JobStep;
import io.emprops.generator.domain.job.GenerationRequest;
import io.emprops.generator.domain.job.GenerationRequests;
import io.emprops.generator.domain.job.Job;
import io.emprops.generator.domain.job.OwnJobs;
import io.emprops.generator.persistence.JobOutputRepository;
import io.emprops.generator.persistence.JobRepository;
import io.emprops.generator.persistence.JobStepRepository;
import io.emprops.generator.progress.JobEvent;
import io.emprops.generator.progress.JobEventLog;
import io.emprops.web.api.ApiException;
import io.emprops.web.api.ApiResponse;
import io.emprops.web.api.ErrorCode;
import io.emprops.web.api.IdempotencyKey;
import io.emprops.web.api.PageResponse;
import io.emprops.web.identity.CallerIdentity;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.validation.annotation.Validated;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/** Generations and jobs (API.md, "Generations and jobs"). */
@RestController
@Validated
public class JobsController {

  static final List<String> STATUSES = List.of("pending", "queued", "processing", "completed", "failed", "cancelled");

  private final GenerationRequests requests;
  private final CreditStandings creditStandings;
  private final JobCancellations cancellations;
  private final JobRetries retries;
  private final JobRepository jobs;
  private final OwnJobs ownJobs;
  private final JobStepRepository steps;
  private final JobOutputRepository outputs;
  private final JobEventLog events;
  private final GeneratorProperties properties;

  public JobsController(GenerationRequests requests, CreditStandings creditStandings, JobCancellations cancellations, JobRetries retries,
      JobRepository jobs, OwnJobs ownJobs, JobStepRepository steps, JobOutputRepository outputs, JobEventLog events,
      GeneratorProperties properties) {
    this.requests = requests;
    this.creditStandings = creditStandings;
    this.cancellations = cancellations;
    this.retries = retries;
    this.jobs = jobs;
    this.ownJobs = ownJobs;
    this.steps = steps;
    this.outputs = outputs;
    this.events = events;
    this.properties = properties;
  }

  /**
   * Starts a generation: 202 {@code queued} when the owner's known credit standing covers it or
   * credits were reserved within the wait, 202 {@code pending} when they have not decided yet
   * (follow the job), 402 when they refused. A collection the generator has not heard of is
   * waited for a moment (it may have just been created) before the answer is 404.
   */
  @PostMapping("/collections/{collectionId}/generations")
  @ResponseStatus(HttpStatus.ACCEPTED)
  public ResponseEntity<ApiResponse<Accepted>> generate(
      CallerIdentity caller,
      @PathVariable UUID collectionId,
      @RequestBody(required = false) GenerationRequest body,
      @RequestHeader(name = IdempotencyKey.HEADER, required = false) @IdempotencyKey String idempotencyKey) {
    String userId = caller.requireUserId();
    GenerationRequest request = body == null ? new GenerationRequest(null, null, null) : body;
    Supplier<Job> accept = () -> requests.accept(userId, collectionId, request, idempotencyKey);
    try {
      return accepted(creditStandings.admit(accept, properties.creditDecisionWait()));
    } catch (ApiException notFound) {
      // Only a miss waits (and costs the extra reads): the collection may have just been created.
      if (notFound.code() != ErrorCode.NOT_FOUND
          || !requests.awaitCollection(collectionId, properties.collectionArrivalWait())) {
        throw notFound;
      }
      return accepted(creditStandings.admit(accept, properties.creditDecisionWait()));
    }
  }

  private static ResponseEntity<ApiResponse<Accepted>> accepted(Job decided) {
    return ResponseEntity.status(HttpStatus.ACCEPTED)
        .body(ApiResponse.ok(Accepted.of(CreditRefusals.requireNotRefused(decided))));
  }

  /** The caller's job; any job for the job queue, which verifies workflow completion with it. */
  @GetMapping("/jobs/{jobId}")
  public ApiResponse<JobView> job(CallerIdentity caller, @PathVariable UUID jobId) {
    if (caller.hasRole(CallerIdentity.JOB_QUEUE_ROLE)) {
      return ApiResponse.ok(view(jobs.find(jobId).orElseThrow(() -> ApiException.notFound("Job"))));
    }
    return ApiResponse.ok(view(ownJob(caller, jobId)));
  }

  private Job ownJob(CallerIdentity caller, UUID jobId) {
    return ownJobs.find(caller.requireUserId(), jobId);
  }

  private JobView view(Job job) {
    return JobView.of(job, steps.forJob(job.id()), outputs.ofJob(job.id()));
  }

  /** Ordered state changes and messages of the caller's job. */
  @GetMapping("/jobs/{jobId}/history")
  public ApiResponse<List<JobEvent>> history(CallerIdentity caller, @PathVariable UUID jobId) {
    ownJob(caller, jobId);
    return ApiResponse.ok(events.after(jobId, 0));
  }

  /** Cancels a job that has not ended; its unspent credits are released (409 once it has ended). */
  @PostMapping("/jobs/{jobId}/cancel")
  public ApiResponse<JobView> cancel(CallerIdentity caller, @PathVariable UUID jobId) {
    return ApiResponse.ok(view(cancellations.cancel(caller.requireUserId(), jobId)));
  }

  /**
   * Retries a failed job from its failed step: 202 with the retry job, which reuses the completed
   * steps' outputs and reserves credits only for the work left (402 when they do not suffice).
   */
  @PostMapping("/jobs/{jobId}/retry")
  public ResponseEntity<ApiResponse<Accepted>> retry(CallerIdentity caller, @PathVariable UUID jobId) {
    String userId = caller.requireUserId();
    return accepted(creditStandings.admit(() -> retries.retry(userId, jobId), properties.creditDecisionWait()));
  }

  @GetMapping("/jobs")
  public ApiResponse<PageResponse<JobView>> list(
      CallerIdentity caller,
      @RequestParam(required = false) String status,
      @RequestParam(defaultValue = "1") @Min(1) int page,
      @RequestParam(defaultValue = "20") @Min(1) @Max(100) int size) {
    String userId = caller.requireUserId();
    if (status != null && !STATUSES.contains(status)) {
      throw ApiException.invalid("status", "must be one of: " + String.join(", ", STATUSES));
    }
    long offset = (long) (page - 1) * size;
    if (offset > Integer.MAX_VALUE) {
      throw ApiException.invalid("page", "is too large");
    }
    List<JobView> items = jobs.page(userId, status, (int) offset, size).stream().map(this::view).toList();
    return ApiResponse.ok(PageResponse.of(items, page, size, jobs.count(userId, status)));
  }

  /** 202 body: the job and where to follow it. */
  public record Accepted(UUID jobId, String status, Map<String, String> urls) {
    static Accepted of(Job job) {
      return new Accepted(job.id(), job.status(),
          Map.of("job_url", "/jobs/" + job.id(), "job_events_url", "/jobs/" + job.id() + "/events"));
    }
  }

  /**
   * A job. {@code data.outputs} and {@code workflow_output} (its last file's durable URL) also give
   * the job queue's own API the shape it expects ({@code {data:{status, workflow_output, data:{outputs}}}}).
   * A job is {@code completed} only once every output is stored. {@code token}: the minted token
   * whose image the job makes (its generation, paid by the mint), null otherwise.
   */
  public record JobView(UUID id, String status, int progress, String jobType, UUID collectionId, long cost,
      int generations, Instant createdAt, Instant startedAt, Instant completedAt, String error, String errorCode,
      List<Output> outputs, String workflowOutput, Map<String, Object> data, TokenView token) {
    static JobView of(Job job, List<JobStep> steps, List<JobOutput> files) {
      List<Output> outputs = new ArrayList<>();
      for (JobStep step : steps) {
        if (!step.isCompleted()) {
          continue;
        }
        List<Output> ofStep = files.stream()
            .filter(f -> f.generation() == step.generation() && f.stepId() == step.stepId())
            .map(f -> new Output(f.generation(), f.stepId(), f.index(), f.assetId(), f.url(), f.mimeType(),
                f.status().wireName(), f.error(), null)).toList();
        // A step without a file we recognise still shows what it produced, as the worker returned it.
        outputs.addAll(ofStep.isEmpty()
            ? List.of(new Output(step.generation(), step.stepId(), null, null, null, null, null, null, step.output()))
            : ofStep);
      }
      String workflowOutput = files.isEmpty() ? null : files.getLast().url();
      return new JobView(job.id(), job.status(), job.progress(), job.jobType(), job.collectionId(), job.cost(),
          job.generations(), job.createdAt(), job.startedAt(), job.completedAt(), job.error(), job.errorCode(),
          outputs, workflowOutput, Map.of("outputs", outputs), TokenView.of(job.token()));
    }
  }

  /** The minted token whose image the job makes; null for every other job. */
  public record TokenView(UUID collectionId, long tokenId, String hash) {
    static TokenView of(Job.Token token) {
      return token == null ? null : new TokenView(token.collectionId(), token.tokenId(), token.hash());
    }
  }

  /**
   * One output (API.md): a file, the {@code index}-th of its step, on its way to durable storage
   * ({@code status} {@code storing}, then {@code stored} with its {@code asset_id} and durable
   * {@code url}, or {@code failed} with the {@code error}; never the worker's own location); or,
   * for a step whose result holds no file we recognise, that result as {@code data}.
   */
  public record Output(int generation, int stepId, Integer index, UUID assetId, String url, String mimeType,
      String status, String error, JsonNode data) {}
}
