package io.emprops.generator.domain.job;

import io.emprops.generator.domain.engine.GenerationPlan;
import io.emprops.generator.domain.engine.InstructionSet;
import io.emprops.generator.progress.JobEvent;
import io.emprops.generator.progress.JobEventLog;
import io.emprops.generator.progress.JobEventRelay;
import io.emprops.generator.persistence.CollectionViewRepository;
import io.emprops.generator.persistence.CollectionViewRepository.CollectionView;
import io.emprops.generator.persistence.JobRepository;
import io.emprops.web.api.ApiException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Step 1 of the generation saga (ARCHITECTURE.md): validate the request against the generator's
 * copy of the collection, price it, and in one transaction store the job ({@code pending}) and
 * publish {@code GenerationRequested} for credits-service to decide on.
 */
@Service
public class GenerationRequests {

  private final CollectionViewRepository collections;
  private final JobPlans plans;
  private final JobRepository jobs;
  private final GenerationNotifications notifications;
  private final JobEventLog events;
  private final JsonMapper json;
  private final JobEventRelay relay;
  private final Clock clock = Clock.systemUTC();
  /** How often a waiting request reads the job row when no event woke it. */
  static final Duration FALLBACK_POLL = Duration.ofMillis(250);

  public GenerationRequests(CollectionViewRepository collections, JobPlans plans, JobRepository jobs,
      GenerationNotifications notifications, JobEventLog events, JobEventRelay relay, JsonMapper json) {
    this.collections = collections;
    this.plans = plans;
    this.jobs = jobs;
    this.notifications = notifications;
    this.events = events;
    this.json = json;
    this.relay = relay;
  }

  /**
   * Accepts a generation. With an idempotency key already used by this user, returns that job
   * when the request is the same and answers 409 when it is not.
   */
  @Transactional
  public Job accept(String userId, UUID collectionId, GenerationRequest request, String idempotencyKey) {
    String requestHash = hash(collectionId, request);
    if (idempotencyKey != null) {
      var earlier = jobs.findByIdempotencyKey(userId, idempotencyKey);
      if (earlier.isPresent()) {
        return sameRequestOrConflict(earlier.get(), requestHash);
      }
    }
    CollectionView collection = collections.find(collectionId)
        .filter(c -> !"unknown".equals(c.status()))
        .filter(c -> c.userId().equals(userId) || ("published".equals(c.status()) && c.isRemixable()))
        .orElseThrow(() -> ApiException.notFound("Collection"));
    if (collection.archived()) {
      throw ApiException.conflict("The collection is archived");
    }
    return insert(userId, collectionId, InstructionSet.read(collection.data()), request, requestHash, idempotencyKey);
  }

  /**
   * Waits, up to {@code wait}, for a collection the read model does not hold yet: created a moment
   * ago, its {@code CollectionCreated} still on its way (or held up while Kafka recovers). Returns
   * whether it is known now (at once when it already was). Outside any transaction, so that each
   * look sees the latest commits.
   */
  public boolean awaitCollection(UUID collectionId, Duration wait) {
    Instant deadline = clock.instant().plus(wait);
    while (true) {
      if (collections.find(collectionId).filter(c -> !"unknown".equals(c.status())).isPresent()) {
        return true;
      }
      if (!clock.instant().isBefore(deadline)) {
        return false;
      }
      try {
        Thread.sleep(COLLECTION_POLL.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
  }

  /** How often a request waiting for its collection looks for it. */
  static final Duration COLLECTION_POLL = Duration.ofMillis(100);

  /**
   * Accepts a generation of a collection the read model does not hold yet, planned from
   * {@code set}, the instruction set the collection is being created from ({@code POST
   * /api/collections/generate}): the same job, cost and events as {@link #accept} would make of
   * that collection. Runs in the caller's transaction.
   */
  @Transactional(propagation = Propagation.MANDATORY)
  public Job acceptPlanned(String userId, UUID collectionId, InstructionSet set, GenerationRequest request) {
    return insert(userId, collectionId, set, request, hash(collectionId, request), null);
  }

  /** Plans, stores the job {@code pending} and publishes {@code GenerationRequested}. */
  private Job insert(String userId, UUID collectionId, InstructionSet set, GenerationRequest request,
      String requestHash, String idempotencyKey) {
    GenerationPlan plan = GenerationPlan.plan(set, request.variables(), request.generations(), request.hashes());
    JobPlans.Planned planned = plans.plan(plan, JobPlans.Payer.USER);
    int generations = plan.generations().size();
    Job job = new Job(UUID.randomUUID(), userId, collectionId, "collection_generation", Job.PENDING, 0, generations,
        planned.cost(), null, null, requestHash, null, null, null);
    Optional<Job> stored = jobs.insert(job, planned.json(), idempotencyKey);
    if (stored.isEmpty()) {
      // A concurrent request with the same key won the insert; answer as its retry.
      return sameRequestOrConflict(jobs.findByIdempotencyKey(userId, idempotencyKey).orElseThrow(), requestHash);
    }
    // The row this transaction inserted is locked by it: its first event needs no lock of its own.
    events.appendLocked(job.id(), Job.PENDING, JobEvent.JOB_STATUS, "Generation requested; waiting for credits",
        json.createObjectNode().put("status", Job.PENDING));
    notifications.requested(job);
    return stored.get();
  }

  /**
   * Waits until credits decided on the job, or {@code wait} is up. The decision, whichever instance
   * consumes it, appends the job's next event, which the event relay hands to this instance at
   * once (locally, or over its Redis channel): that wakes the wait, and the job row says what was
   * decided. Should the relayed message be lost, the row is read again every
   * {@link #FALLBACK_POLL} all the same.
   */
  public Job awaitCreditDecision(UUID jobId, Duration wait) {
    Instant deadline = clock.instant().plus(wait);
    Semaphore decided = new Semaphore(0);
    AutoCloseable subscription = relay.subscribe(jobId, event -> decided.release());
    try {
      Job job = jobs.find(jobId).orElseThrow();
      while (job.isPending()) {
        long remaining = Duration.between(clock.instant(), deadline).toMillis();
        if (remaining <= 0) {
          break;
        }
        if (decided.tryAcquire(Math.min(remaining, FALLBACK_POLL.toMillis()), TimeUnit.MILLISECONDS)) {
          decided.drainPermits();
        }
        job = jobs.find(jobId).orElseThrow();
      }
      return job;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return jobs.find(jobId).orElseThrow();
    } finally {
      try {
        subscription.close();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }
  }

  private static Job sameRequestOrConflict(Job earlier, String requestHash) {
    if (!earlier.requestHash().equals(requestHash)) {
      throw ApiException.conflict("Idempotency-Key was already used for a different request");
    }
    return earlier;
  }

  private String hash(UUID collectionId, GenerationRequest request) {
    ObjectNode canonical = json.createObjectNode();
    canonical.put("collection_id", collectionId.toString());
    canonical.set("variables", request.variables());
    canonical.putPOJO("generations", request.generations());
    canonical.putPOJO("hashes", request.hashes());
    return RequestFingerprint.of(json, canonical);
  }
}
