package io.emprops.generator.domain.execution;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.emprops.generator.config.ExecutionProperties;
import io.emprops.generator.persistence.JobStepRepository;
import io.emprops.generator.queue.JobQueueClient;
import io.emprops.generator.queue.StepState;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * Pub/sub loses messages (reconnects, a Redis restart) and workers die without a word
 * (JOB-QUEUE.md, "Obligations of a correct client"). Every few seconds this reads the queue's
 * hashes for our steps that have been quiet and acts on what they say: a completion or failure
 * we missed, a submission that never reached the queue, a step the queue lost, a claim whose
 * worker stopped heartbeating or reporting or no longer holds it (restarted under the same id), a
 * step no worker took within the queue timeout.
 * Every action goes through {@link JobExecution}, so instances reconciling at once cannot double it.
 */
@Component
public class Reconciler {

  private static final Logger log = LoggerFactory.getLogger(Reconciler.class);
  private static final int BATCH = 200;

  private final JobStepRepository steps;
  private final JobQueueClient queue;
  private final JobExecution execution;
  private final StepDispatcher dispatcher;
  private final QueueEventHandler messages;
  private final FetchStepRunner fetchRunner;
  private final ExecutionProperties properties;
  private final JsonMapper json;
  private final Clock clock = Clock.systemUTC();
  private final MeterRegistry meters;
  /** Claimed steps found missing from their worker's active set (confirmed next round). */
  private final SecondSighting orphans = new SecondSighting();
  /** Completed steps found without their jobs:completed entry (confirmed next round). */
  private final SecondSighting completionsWithoutResult = new SecondSighting();

  public Reconciler(JobStepRepository steps, JobQueueClient queue, JobExecution execution, StepDispatcher dispatcher,
      QueueEventHandler messages, FetchStepRunner fetchRunner, ExecutionProperties properties, JsonMapper json, MeterRegistry meters) {
    this.steps = steps;
    this.queue = queue;
    this.execution = execution;
    this.dispatcher = dispatcher;
    this.messages = messages;
    this.fetchRunner = fetchRunner;
    this.properties = properties;
    this.json = json;
    this.meters = meters;
  }

  @Scheduled(fixedDelayString = "${emprops.generator.execution.reconcile-interval:2s}",
      initialDelayString = "${emprops.generator.execution.reconcile-interval:2s}")
  public void reconcile() {
    try {
      for (JobStep step : steps.quietInFlight(properties.reconcileAfter(), BATCH)) {
        try {
          reconcile(step);
        } catch (RuntimeException e) {
          log.warn("Reconciling {} of job {} failed; next round", step.label(), step.jobId(), e);
        }
      }
    } catch (RuntimeException e) {
      log.warn("Reconciliation round failed (database or queue unavailable?)", e);
    }
  }

  void reconcile(JobStep step) {
    String id = step.queueStepId();
    Instant now = clock.instant();
    if (step.kind() == JobStep.Kind.FETCH) {
      if (step.submittedAt() == null) {
        count("dispatched");
        dispatcher.dispatch(List.of(id));
      } else if (step.submittedAt().isBefore(now.minus(fetchRunner.longestRun()))) {
        count("fetch_abandoned");
        execution.resubmit(id, "the fetch_api call did not finish");
      }
      return;
    }
    if (step.submittedAt() == null) {
      count("dispatched");
      dispatcher.dispatch(List.of(id));
      return;
    }
    StepState state = queue.read(id);
    if (!state.exists()) {
      count("lost");
      execution.resubmit(id, "the job queue lost the step");
    } else if (state.isCompleted()) {
      if (state.completedResult().isEmpty() && !completionsWithoutResult.seenBefore(id, now)) {
        // A worker writes the hash's status, then the jobs:completed entry, two commands apart
        // (JOB-QUEUE.md): read between the two, the step seems to have completed with nothing,
        // and a paid image would be lost. Looked at again next round (its complete_job message,
        // which carries the result, is usually handled first); an entry that never comes
        // (expired, or a worker that stores none) is then taken as it is.
        count("completion_being_written");
        return;
      }
      count("completed");
      execution.onCompleted(id, StepOutput.fromQueueResult(state.completedResult().map(json::readTree).orElse(null)));
    } else if (state.isFailed()) {
      count("failed");
      execution.onFailed(id, messages.failureText(state, "failed in the job queue"));
    } else if (state.isInFlight()) {
      String worker = state.workerId().orElse("");
      execution.onClaimed(id, worker);
      Instant claimedAt = step.claimedAt() == null ? now : step.claimedAt();
      boolean pastGrace = claimedAt.isBefore(now.minus(properties.deadWorkerGrace()));
      if (!state.isOrphaned()) {
        orphans.forget(id);
      }
      if (state.isOrphaned() && orphans.seenBefore(id, now)) {
        // Seen in an earlier round too (not the moment a worker finishing leaves its set): the
        // worker, restarted under the same id, no longer has it.
        count("orphaned");
        execution.resubmit(id, "worker " + worker + " no longer holds it (restarted?)");
      } else if (state.isOrphaned()) {
        // Looked at again next round, not after another quiet period: no touch.
        return;
      } else if (pastGrace && !worker.isEmpty() && !queue.isWorkerAlive(worker)) {
        count("dead_worker");
        execution.resubmit(id, "worker " + worker + " stopped heartbeating");
      } else if (pastGrace && lastProgress(state).map(t -> t.isBefore(now.minus(properties.staleProgressAfter())))
          .orElse(false)) {
        count("stale_progress");
        execution.resubmit(id, "worker " + worker + " stopped reporting progress");
      } else {
        steps.touch(id);
      }
    } else if (step.submittedAt().isBefore(now.minus(properties.queueTimeout()))) {
      count("queue_timeout");
      String reason = "no worker for service '" + step.serviceRequired() + "' took it within "
          + pretty(properties.queueTimeout());
      // The failure the queue now records is ours too: whichever of it and this call comes first fails the step.
      queue.abandon(id, "Abandoned by EmProps: " + reason);
      execution.onFailed(id, reason);
    } else {
      steps.touch(id);
    }
  }

  private static Optional<Instant> lastProgress(StepState state) {
    try {
      return Optional.ofNullable(state.progress().get("updated_at")).map(Instant::parse);
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  private void count(String outcome) {
    Counter.builder("generator_reconciliations_total").tag("outcome", outcome)
        .description("Steps the reconciler acted on, by what it found").register(meters).increment();
  }

  private static String pretty(Duration d) {
    return d.toString().substring(2).toLowerCase();
  }

  /**
   * Steps seen in a state that may be a passing moment (a worker between two writes): acted on
   * only when an earlier round saw the same.
   */
  private static final class SecondSighting {

    private final Cache<String, Instant> firstSeen = Caffeine.newBuilder()
        .maximumSize(10_000).expireAfterWrite(Duration.ofMinutes(10)).build();

    /** Whether an earlier round saw the step so (then forgotten); else remembered for the next. */
    boolean seenBefore(String stepId, Instant now) {
      if (firstSeen.asMap().putIfAbsent(stepId, now) == null) {
        return false;
      }
      firstSeen.invalidate(stepId);
      return true;
    }

    void forget(String stepId) {
      firstSeen.invalidate(stepId);
    }
  }
}
