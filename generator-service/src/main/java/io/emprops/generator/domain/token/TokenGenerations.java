package io.emprops.generator.domain.token;

import io.emprops.events.contract.TokenMinted;
import io.emprops.generator.domain.engine.GenerationPlan;
import io.emprops.generator.domain.engine.InstructionSet;
import io.emprops.generator.domain.execution.JobExecution;
import io.emprops.generator.domain.execution.JobLifecycle;
import io.emprops.generator.domain.execution.JobRetries;
import io.emprops.generator.domain.job.Job;
import io.emprops.generator.domain.job.JobPlans;
import io.emprops.generator.persistence.CollectionViewRepository;
import io.emprops.generator.persistence.CollectionViewRepository.CollectionView;
import io.emprops.generator.persistence.JobRepository;
import io.emprops.generator.persistence.WaitingTokenRepository;
import io.emprops.generator.persistence.WaitingTokenRepository.WaitingToken;
import io.emprops.generator.progress.JobEvent;
import io.emprops.generator.progress.JobEventLog;
import io.emprops.web.api.ApiException;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * A minted token's one generation (ARCHITECTURE.md, "Mint"): the job that makes the token's
 * image, with the collection's current instruction set and one generation whose hash is the
 * token's, so its picks and its seed are drawn from that hash exactly as for any generation with
 * that hash.
 *
 * <p><b>Who pays: the mint.</b> The collector paid for the token on-chain, and that pays for its
 * image: a token's generation never asks credits-service for anything. No
 * {@code GenerationRequested} goes out and nothing is reserved; the job is stored {@code queued}
 * and dispatched at once, on the same path as every generation ({@link JobExecution#begin}); its
 * steps are planned at cost 0, so its {@code GenerationCompleted}, {@code GenerationFailed} or
 * {@code GenerationCancelled} carries {@code amount_spent} 0 (credits-service skips the
 * settlement of such a job: it never held anything for it). A retry by the owner is paid by the
 * mint as well ({@link JobRetries}). Nothing else differs from any other generation.
 */
@Service
public class TokenGenerations {

  private static final Logger log = LoggerFactory.getLogger(TokenGenerations.class);

  private final CollectionViewRepository collections;
  private final JobPlans plans;
  private final JobRepository jobs;
  private final WaitingTokenRepository waiting;
  private final JobExecution execution;
  private final JobLifecycle lifecycle;
  private final JobEventLog events;
  private final JsonMapper json;

  public TokenGenerations(CollectionViewRepository collections, JobPlans plans, JobRepository jobs,
      WaitingTokenRepository waiting, JobExecution execution, JobLifecycle lifecycle, JobEventLog events,
      JsonMapper json) {
    this.waiting = waiting;
    this.collections = collections;
    this.plans = plans;
    this.jobs = jobs;
    this.execution = execution;
    this.lifecycle = lifecycle;
    this.events = events;
    this.json = json;
  }

  /**
   * The id of the retry of a failed token generation: derived from the failed job, as the token's
   * own job id is from the token ({@code TokenMinted.generationJobIdOf}), so it is name-based too
   * and credits-service tells it from a job it should have reserved for.
   */
  public static UUID retryJobIdOf(UUID failedJobId) {
    return TokenMinted.generationRetryJobIdOf(failedJobId);
  }

  /**
   * Starts the generation of token {@code tokenId} of the collection, unless its job exists: a
   * redelivered announcement, or one handled by another instance at the same time, finds the job
   * (the insert waits for the other transaction) and changes nothing. Runs in the transaction of
   * the caller, which records the announcement as handled.
   *
   * <p>The collection's current instruction set is used, archived or not (a minted token gets its
   * image). A collection the read model does not know yet (its events come on another topic and
   * may lag behind publishing's) makes the token wait, and its generation starts when the
   * collection arrives ({@link #startWaiting}); failing the announcement instead would leave it to
   * the inbox's few quick retries and then to the dead-letter topic, and the token without an
   * image. An instruction set that cannot be planned (a step's workflow missing or disabled, a
   * broken set) does not hold the token's announcements back either: the job is stored failed,
   * with {@code GenerationFailed}.
   *
   * @param jobId the token's job id, {@code TokenMinted.generationJobIdOf(collectionId, tokenId, hash)}
   * @param ownerUserId the collection's owner, whose job it is
   * @return the token's job; empty while the token waits for its collection
   */
  @Transactional(propagation = Propagation.MANDATORY)
  public Optional<Job> start(UUID jobId, String ownerUserId, UUID collectionId, long tokenId, String hash) {
    var existing = jobs.find(jobId);
    if (existing.isPresent()) {
      return existing;
    }
    waiting.lockCollection(collectionId);
    Optional<CollectionView> collection = known(collectionId);
    if (collection.isEmpty()) {
      log.info("Token {} of collection {} minted before the collection reached the generator; its generation"
          + " starts when it does", tokenId, collectionId);
      waiting.park(new WaitingToken(jobId, ownerUserId, collectionId, tokenId, hash));
      return Optional.empty();
    }
    return Optional.of(start(jobId, ownerUserId, collection.get(), tokenId, hash));
  }

  /**
   * The collection reached the read model (or changed): the generations of its tokens that were
   * waiting for it start now. Runs in the transaction that stored the collection.
   */
  @Transactional(propagation = Propagation.MANDATORY)
  public void startWaiting(UUID collectionId) {
    waiting.lockCollection(collectionId);
    Optional<CollectionView> collection = known(collectionId);
    if (collection.isEmpty()) {
      return;
    }
    for (WaitingToken token : waiting.take(collectionId)) {
      if (jobs.find(token.jobId()).isEmpty()) {
        start(token.jobId(), token.userId(), collection.get(), token.tokenId(), token.hash());
      }
    }
  }

  private Optional<CollectionView> known(UUID collectionId) {
    return collections.find(collectionId).filter(c -> !"unknown".equals(c.status()));
  }

  private Job start(UUID jobId, String ownerUserId, CollectionView collection, long tokenId, String hash) {
    Job.Token token = new Job.Token(collection.collectionId(), tokenId, hash);
    JobPlans.Planned planned;
    try {
      InstructionSet set = InstructionSet.read(collection.data());
      planned = plans.plan(GenerationPlan.plan(set, null, 1, List.of(hash)), JobPlans.Payer.MINT);
    } catch (ApiException e) {
      return storeUnplannable(jobId, ownerUserId, token, describe(e));
    }
    Job job = new Job(jobId, ownerUserId, collection.collectionId(), "collection_generation", Job.QUEUED, 0, 1, 0,
        null, null, null, null, null, null, token);
    if (!jobs.insertIfAbsent(job, planned.json())) {
      return jobs.find(jobId).orElseThrow();
    }
    events.append(jobId, Job.QUEUED, JobEvent.JOB_STATUS, "Token " + tokenId + " minted: its generation is paid by"
        + " the mint (no credits are reserved); queued", json.createObjectNode().put("status", Job.QUEUED)
        .put("token_id", tokenId).put("hash", hash));
    execution.begin(jobId);
    return jobs.find(jobId).orElseThrow();
  }

  /** The token's job, failed at once: nothing of it can run. */
  private Job storeUnplannable(UUID jobId, String userId, Job.Token token, String reason) {
    String message = "The token's generation cannot run: " + reason;
    Job job = new Job(jobId, userId, token.collectionId(), "collection_generation", Job.FAILED, 0, 1, 0,
        JobLifecycle.GENERATION_FAILED, message, null, null, null, null, token);
    // No steps planned: there is nothing a retry could run (JobRetries refuses it).
    ObjectNode empty = json.createObjectNode();
    empty.putArray("generations");
    empty.putArray("steps");
    String plan = json.writeValueAsString(empty);
    if (lifecycle.storeFailed(job, plan)) {
      log.warn("Job {} (token {} of collection {}): {}", jobId, token.tokenId(), token.collectionId(), message);
    }
    return jobs.find(jobId).orElseThrow();
  }

  private static String describe(ApiException e) {
    if (e.details() == null || e.details().isEmpty()) {
      return e.getMessage();
    }
    return e.getMessage() + " (" + e.details().stream().map(d -> d.field() + " " + d.message())
        .collect(Collectors.joining("; ")) + ")";
  }
}
