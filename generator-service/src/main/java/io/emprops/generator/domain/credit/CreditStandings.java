package io.emprops.generator.domain.credit;

import io.emprops.generator.config.GeneratorProperties;
import io.emprops.generator.domain.execution.JobExecution;
import io.emprops.generator.domain.execution.JobLifecycle;
import io.emprops.generator.domain.job.GenerationRequests;
import io.emprops.generator.domain.job.Job;
import io.emprops.generator.persistence.CreditStandingRepository;
import io.emprops.generator.persistence.JobRepository;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Supplier;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Takes the credit decision off the path from a generation request to the GPU (ARCHITECTURE.md,
 * generation saga step 4). The generator keeps each user's last known available credits from
 * credits-service's events; a new job whose cost that standing covers, together with the cost of
 * the user's other jobs credits-service has not decided on, starts at once instead of waiting for
 * {@code CreditsReserved}. The decision still comes and still rules: the job completes (and is
 * charged) only once reserved, and a refusal fails it and abandons its steps, so a user never
 * gets more than credits-service grants; what a refusal can cost is GPU time, bounded by the
 * user's own last known standing.
 *
 * <p>A user not seen yet, a job whose collection is still being created, and a standing that does
 * not cover the job: the request waits for the decision as before.
 */
@Service
public class CreditStandings {

  private final CreditStandingRepository standings;
  private final JobRepository jobs;
  private final JobLifecycle lifecycle;
  private final JobExecution execution;
  private final GenerationRequests requests;
  private final TransactionTemplate transaction;
  private final boolean enabled;
  private final Counter startedOnStanding;
  private final Counter waitedForDecision;

  CreditStandings(CreditStandingRepository standings, JobRepository jobs,
      JobLifecycle lifecycle, JobExecution execution,
      GenerationRequests requests, PlatformTransactionManager transactionManager, GeneratorProperties properties,
      MeterRegistry meters) {
    this.standings = standings;
    this.jobs = jobs;
    this.lifecycle = lifecycle;
    this.execution = execution;
    this.requests = requests;
    this.transaction = new TransactionTemplate(transactionManager);
    this.enabled = properties.startOnCreditStanding();
    this.startedOnStanding = admissions(meters, "standing");
    this.waitedForDecision = admissions(meters, "decision");
  }

  private static Counter admissions(MeterRegistry meters, String path) {
    return Counter.builder("generator_credit_admissions_total").tag("path", path)
        .description("Generation requests answered on the owner's credit standing or after waiting for the decision")
        .register(meters);
  }

  /**
   * What a generation request answers with: the job {@code accept} makes ({@code pending}) started
   * on its owner's standing in the same transaction, or as credits-service decided within
   * {@code wait} (still {@code pending} when it has not). One transaction: a job accepted and
   * started on the standing commits once, with its pending and queued events.
   */
  public Job admit(Supplier<Job> accept, Duration wait) {
    if (!enabled) {
      return waitForDecision(accept.get(), wait);
    }
    record Admission(Job accepted, boolean started) {}
    Admission admission = transaction.execute(status -> {
      Job accepted = accept.get();
      return new Admission(accepted, startOnStanding(accepted));
    });
    if (admission.started()) {
      startedOnStanding.increment();
      // As the transaction left it: beginning may have ended it already (a step that cannot run).
      return jobs.find(admission.accepted().id()).orElseThrow();
    }
    return waitForDecision(admission.accepted(), wait);
  }

  private Job waitForDecision(Job accepted, Duration wait) {
    waitedForDecision.increment();
    return requests.awaitCreditDecision(accepted.id(), wait);
  }

  /**
   * Starts the pending job, as {@code accept} just stored or found it, if its owner's standing
   * covers it and their other undecided jobs. The standing's row lock serialises this with the
   * user's other starts and with the events that move the standing, so two requests cannot both
   * spend the same credits. (A job of {@code POST /api/collections/generate}, which must wait for
   * its collection, never comes here: it waits for its decision in {@code CollectionGenerations}.)
   */
  private boolean startOnStanding(Job job) {
    if (!job.isPending() || job.isPaidByMint()) {
      return false;
    }
    OptionalLong available = standings.lock(job.userId());
    // The undecided cost counts this job: it is pending.
    if (available.isEmpty() || available.getAsLong() < jobs.undecidedCost(job.userId())) {
      return false;
    }
    Optional<JobRepository.Beginning> queued = lifecycle.queueOnStanding(job.id(), available.getAsLong());
    queued.ifPresent(execution::begin);
    return queued.isPresent();
  }

  /** A credits event said what is available to the user now. Runs in the event's inbox transaction. */
  @Transactional(propagation = Propagation.MANDATORY)
  public void known(String userId, long available) {
    standings.set(userId, available);
  }

  /** Credits-service granted {@code amount}, leaving the user's balance at {@code balance}. */
  @Transactional(propagation = Propagation.MANDATORY)
  public void granted(String userId, long amount, long balance) {
    standings.add(userId, amount, balance);
  }
}
