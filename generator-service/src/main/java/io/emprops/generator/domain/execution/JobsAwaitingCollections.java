package io.emprops.generator.domain.execution;

import io.emprops.generator.domain.job.Job;
import io.emprops.generator.persistence.AwaitingCollectionRepository;
import io.emprops.generator.persistence.CollectionViewRepository;
import io.emprops.generator.persistence.CollectionViewRepository.CollectionView;
import io.emprops.generator.persistence.JobRepository;
import java.util.HashMap;
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
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Jobs whose collection is being created by collections-service ({@code POST
 * /api/collections/generate}, a saga step): such a job is accepted before its collection exists,
 * and must not run a step before the collection has reached the generator's read model (the
 * consumers of its later events need it, and its steps take the collection's step ids).
 *
 * <p>Two events meet here, in either order: credits-service's reservation (the job is queued) and
 * the collection's {@code CollectionCreated} (it is known). Whichever comes second starts the job.
 * Both take the collection's advisory lock first (before any job row lock), as minted tokens
 * waiting for their collection do ({@code TokenGenerations}), so neither misses the other. When
 * the collection is known, the job's plan is rebased onto its step ids: collections-service gives
 * each step of a new collection a fresh component id and keeps the one it was given as
 * {@code fromId}, so the job's events name the steps as the collection does.
 */
@Service
public class JobsAwaitingCollections {

  private static final Logger log = LoggerFactory.getLogger(JobsAwaitingCollections.class);

  private final AwaitingCollectionRepository awaiting;
  private final CollectionViewRepository collections;
  private final JobRepository jobs;
  private final JobLifecycle lifecycle;
  private final JobExecution execution;
  private final JobEndings endings;
  private final JsonMapper json;

  JobsAwaitingCollections(AwaitingCollectionRepository awaiting, CollectionViewRepository collections,
      JobRepository jobs, JobLifecycle lifecycle, JobExecution execution, JobEndings endings, JsonMapper json) {
    this.awaiting = awaiting;
    this.collections = collections;
    this.jobs = jobs;
    this.lifecycle = lifecycle;
    this.execution = execution;
    this.endings = endings;
    this.json = json;
  }

  /** The job, accepted in the caller's transaction, waits for collection {@code collectionId}. */
  @Transactional(propagation = Propagation.MANDATORY)
  public void await(UUID jobId, UUID collectionId) {
    awaiting.add(jobId, collectionId);
  }

  /**
   * Credits-service reserved {@code amount} for the pending job: it is queued, and begins unless
   * its collection is still unknown (then the collection's arrival begins it). A job that started
   * on its owner's credit standing runs already: it ends now if its work is done. Runs in the
   * transaction of the decision's inbox.
   */
  @Transactional(propagation = Propagation.MANDATORY)
  public void creditsReserved(UUID jobId, long amount) {
    if (lifecycle.confirmStanding(jobId, amount)) {
      // It started on the standing, and may have done its work waiting for this.
      jobs.find(jobId).ifPresent(endings::settle);
      return;
    }
    // The row is inserted with the job and only ever deleted: absent now, absent for good.
    boolean awaited = awaiting.isAwaiting(jobId);
    if (awaited) {
      jobs.find(jobId).ifPresent(job -> awaiting.lockCollection(job.collectionId()));
    }
    if (!lifecycle.creditsReserved(jobId, amount)) {
      return;
    }
    if (awaited && awaiting.isAwaiting(jobId)) {
      Job job = jobs.find(jobId).orElseThrow();
      Optional<CollectionView> collection = known(job.collectionId());
      if (collection.isEmpty()) {
        log.info("Job {} is queued; it starts when its collection {} has been created", jobId, job.collectionId());
        return;
      }
      rebase(jobId, collection.get());
      awaiting.remove(jobId);
    }
    execution.begin(jobId);
  }

  /**
   * The collection reached the read model: its jobs stop waiting, and those already queued begin.
   * Runs in the transaction that stored the collection.
   */
  @Transactional(propagation = Propagation.MANDATORY)
  public void collectionArrived(UUID collectionId) {
    awaiting.lockCollection(collectionId);
    Optional<CollectionView> collection = known(collectionId);
    if (collection.isEmpty()) {
      return;
    }
    for (UUID jobId : awaiting.take(collectionId)) {
      Job job = jobs.lock(jobId).orElse(null);
      if (job == null || !(job.isPending() || Job.QUEUED.equals(job.status()))) {
        continue;
      }
      rebase(jobId, collection.get());
      if (Job.QUEUED.equals(job.status())) {
        execution.begin(jobId);
      }
    }
  }

  /**
   * Collections-service refused to create the job's collection: the job fails as any job that
   * never ran ({@link JobLifecycle#failBeforeStart}), so its reservation is released and nothing
   * is charged.
   */
  @Transactional(propagation = Propagation.MANDATORY)
  public void collectionRejected(UUID jobId, UUID collectionId, String reason) {
    Optional<Job> job = jobs.find(jobId).filter(j -> j.collectionId().equals(collectionId));
    if (job.isEmpty()) {
      log.warn("CollectionGenerationRejected for job {} and collection {}, which is not its job", jobId, collectionId);
      return;
    }
    awaiting.lockCollection(collectionId);
    String message = "The collection could not be created: " + reason;
    if (lifecycle.failBeforeStart(jobId, JobLifecycle.GENERATION_FAILED, message)) {
      log.info("Job {} failed: {}", jobId, message);
    }
    awaiting.remove(jobId);
  }

  private Optional<CollectionView> known(UUID collectionId) {
    return collections.find(collectionId).filter(c -> !"unknown".equals(c.status()));
  }

  /** Renames the plan's steps (and the {@code $ref}s to them) as the collection renamed them. */
  private void rebase(UUID jobId, CollectionView collection) {
    Map<Integer, Integer> newIdOf = new HashMap<>();
    for (JsonNode step : collection.data().path("steps")) {
      if (step.path("fromId").isIntegralNumber() && step.path("id").isIntegralNumber()) {
        newIdOf.put(step.get("fromId").asInt(), step.get("id").asInt());
      }
    }
    if (newIdOf.isEmpty()) {
      return;
    }
    ObjectNode plan = (ObjectNode) json.readTree(jobs.plan(jobId));
    for (JsonNode step : plan.path("steps")) {
      ObjectNode node = (ObjectNode) step;
      node.put("id", newIdOf.getOrDefault(node.path("id").asInt(), node.path("id").asInt()));
      if (node.has("payload")) {
        node.set("payload", renamedRefs(node.get("payload"), newIdOf));
      }
    }
    jobs.replacePlan(jobId, json.writeValueAsString(plan));
  }

  private static JsonNode renamedRefs(JsonNode node, Map<Integer, Integer> newIdOf) {
    if (node.isObject() && node.size() == 1 && node.path("$ref").isIntegralNumber()) {
      int target = node.get("$ref").asInt();
      return JsonNodeFactory.instance.objectNode().put("$ref", newIdOf.getOrDefault(target, target));
    }
    if (node.isObject()) {
      ObjectNode copy = JsonNodeFactory.instance.objectNode();
      node.properties().forEach(e -> copy.set(e.getKey(), renamedRefs(e.getValue(), newIdOf)));
      return copy;
    }
    if (node.isArray()) {
      ArrayNode copy = JsonNodeFactory.instance.arrayNode();
      node.forEach(e -> copy.add(renamedRefs(e, newIdOf)));
      return copy;
    }
    return node;
  }
}
