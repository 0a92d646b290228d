package io.emprops.generator.domain.execution;

import io.emprops.generator.domain.fetch.FetchApiException;
import io.emprops.generator.domain.fetch.FetchApiExecutor;
import io.emprops.generator.domain.fetch.FetchApiProperties;
import io.emprops.generator.domain.fetch.FetchResult;
import io.emprops.generator.domain.workflow.WorkflowDefinition;
import io.emprops.generator.persistence.JobStepRepository;
import io.emprops.generator.persistence.WorkflowRepository;
import java.time.Duration;
import java.util.ArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.springframework.stereotype.Component;

/**
 * Runs fetch_api steps in the generator itself: the HTTP call (allow-listed hosts only, see
 * {@link FetchApiExecutor}), retried on a retryable failure, then reported to
 * {@link JobExecution} exactly as a queue worker's result would be.
 */
@Component
public class FetchStepRunner implements AutoCloseable {

  static final String WORKER_ID = "generator-fetch";
  private static final int ATTEMPTS = 3;
  private static final Duration BACKOFF = Duration.ofMillis(500);

  private final FetchApiExecutor fetch;
  private final JobExecution execution;
  private final JobStepRepository steps;
  private final WorkflowRepository workflows;
  private final Duration longestRun;
  private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();

  public FetchStepRunner(FetchApiExecutor fetch, JobExecution execution, JobStepRepository steps,
      WorkflowRepository workflows, FetchApiProperties properties) {
    this.fetch = fetch;
    this.execution = execution;
    this.steps = steps;
    this.workflows = workflows;
    // Beyond every attempt's timeout and backoff, a step still "running" was lost with its instance.
    longestRun = properties.timeout().plus(BACKOFF).multipliedBy(ATTEMPTS).plusSeconds(30);
  }

  /** How long a fetch step may run before the reconciler treats it as lost. */
  Duration longestRun() {
    return longestRun;
  }

  public void run(JobStep step) {
    executor.execute(() -> call(step));
  }

  private void call(JobStep step) {
    String id = step.queueStepId();
    // The claim also records the submission: there is no queue in between.
    execution.onClaimed(id, WORKER_ID);
    String outputPath = workflows.findByName(step.workflowName())
        .map(w -> WorkflowDefinition.read(w.type(), w.data(), new ArrayList<>()).outputJsonPath())
        .orElse(null);
    if (outputPath == null) {
      execution.onFailed(id, "its fetch_api workflow names no output (data.output.json_path)");
      return;
    }
    for (int attempt = 1; ; attempt++) {
      try {
        FetchResult result = fetch.execute(step.payload(), outputPath);
        execution.onCompleted(id, StepOutput.fromFetch(result.output()));
        return;
      } catch (FetchApiException e) {
        if (!e.retryable() || attempt >= ATTEMPTS) {
          execution.onFailed(id, e.getMessage());
          return;
        }
      } catch (RuntimeException e) {
        execution.onFailed(id, "the fetch_api call failed: " + e.getClass().getSimpleName());
        return;
      }
      try {
        Thread.sleep(BACKOFF.multipliedBy(attempt));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  @Override
  public void close() {
    executor.shutdown();
  }
}
