package io.emprops.generator.domain.collectiongen;

import io.emprops.events.contract.Blockchain;
import io.emprops.generator.config.GeneratorProperties;
import io.emprops.generator.domain.collectiongen.CollectionGenerationKeys.Outcome;
import io.emprops.generator.domain.engine.InstructionSet;
import io.emprops.generator.domain.execution.JobsAwaitingCollections;
import io.emprops.generator.domain.job.GenerationNotifications;
import io.emprops.generator.domain.job.GenerationRequest;
import io.emprops.generator.domain.job.GenerationRequests;
import io.emprops.generator.domain.job.RequestFingerprint;
import io.emprops.generator.domain.job.Job;
import io.emprops.generator.domain.workflow.Workflow;
import io.emprops.generator.domain.workflow.WorkflowCatalog;
import io.emprops.web.api.ApiException;
import io.emprops.web.api.ApiResponse.FieldError;
import io.emprops.web.api.ErrorCode;
import io.emprops.web.identity.CallerIdentity;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code POST /api/collections/generate}: a one-step collection around a workflow and a generation
 * of it, as a step of the generation saga (ARCHITECTURE.md). The generator chooses the collection's
 * id and, in one transaction, accepts the job (planned from the instruction set composed here, so
 * it is the job {@link GenerationRequests} would make of that collection), publishes its
 * {@code GenerationRequested} (credits decide in parallel with the collection's creation) and
 * {@code CollectionGenerationRequested}, from which collections-service creates the collection
 * with that id (or refuses it with {@code CollectionGenerationRejected}, which fails the job). The
 * job waits for the collection before any step runs ({@link JobsAwaitingCollections}). No other
 * service is called.
 *
 * <p>Everything that can be checked here is checked before that transaction, exactly as
 * collections-service would check it, so a bad request leaves nothing behind.
 */
@Service
public class CollectionGenerations {

  static final String BLOCKCHAINS = Arrays.stream(Blockchain.values()).map(Enum::name).collect(Collectors.joining(", "));
  private static final Pattern UUID_PATTERN =
      Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

  /** The collection and its job, as far as credits had decided within the wait. */
  public record Started(UUID collectionId, Job job) {}

  private final WorkflowCatalog catalog;
  private final GenerationRequests requests;
  private final JobsAwaitingCollections awaiting;
  private final GenerationNotifications notifications;
  private final CollectionGenerationKeys keys;
  private final TransactionTemplate transactions;
  private final GeneratorProperties properties;
  private final JsonMapper json;

  CollectionGenerations(WorkflowCatalog catalog, GenerationRequests requests, JobsAwaitingCollections awaiting,
      GenerationNotifications notifications, CollectionGenerationKeys keys,
      PlatformTransactionManager transactionManager, GeneratorProperties properties, JsonMapper json) {
    this.catalog = catalog;
    this.requests = requests;
    this.awaiting = awaiting;
    this.notifications = notifications;
    this.keys = keys;
    this.transactions = new TransactionTemplate(transactionManager);
    this.properties = properties;
    this.json = json;
  }

  /**
   * Starts the generation of a new collection (created by collections-service from our event),
   * then waits for the credit decision as {@code POST /collections/{id}/generations} does. With an
   * Idempotency-Key this user already used, answers what that request produced (409 if its body
   * was another).
   */
  public Started generate(CallerIdentity caller, CollectionGenerationRequest request, String idempotencyKey) {
    String userId = caller.requireUserId();
    String requestHash = hash(request);
    if (idempotencyKey != null) {
      Optional<Outcome> earlier = keys.find(userId, idempotencyKey);
      if (earlier.isPresent()) {
        return answer(sameRequestOrConflict(earlier.get(), requestHash));
      }
    }
    Workflow workflow = validate(request);
    ObjectNode data = instructionSet(request, workflow);
    UUID collectionId = UUID.randomUUID();
    Outcome outcome = transactions.execute(tx -> start(userId, collectionId, data, request, idempotencyKey, requestHash));
    return answer(outcome);
  }

  /**
   * In one transaction: claims the key, accepts the job (planned from {@code data}, publishing
   * GenerationRequested), parks it until the collection is known, and asks collections-service to
   * create the collection.
   */
  private Outcome start(String userId, UUID collectionId, ObjectNode data, CollectionGenerationRequest request,
      String idempotencyKey, String requestHash) {
    if (idempotencyKey != null && !keys.claim(userId, idempotencyKey, requestHash, collectionId)) {
      // A concurrent request with this key committed first: answer as its retry.
      return sameRequestOrConflict(keys.find(userId, idempotencyKey).orElseThrow(), requestHash);
    }
    // The caller's variables are already the step's inputs (nodePayload): the collection declares
    // no variables of its own, so none are passed again. The jobs table's own Idempotency-Key is
    // left to POST /collections/{id}/generations; ours is collection_generations.
    Job job = requests.acceptPlanned(userId, collectionId, InstructionSet.read(data),
        new GenerationRequest(null, request.generationsOrDefault(), null));
    awaiting.await(job.id(), collectionId);
    CollectionGenerationRequest.Metadata metadata = request.metadata();
    notifications.collectionRequested(job, collectionId, request.title(), data,
        metadata == null ? null : metadata.editions(), metadata == null ? null : metadata.price(),
        metadata == null ? null : metadata.blockchain());
    if (idempotencyKey != null) {
      keys.recordJob(userId, idempotencyKey, job.id());
    }
    return new Outcome(requestHash, collectionId, job.id());
  }

  private Started answer(Outcome outcome) {
    return new Started(outcome.collectionId(),
        requests.awaitCreditDecision(outcome.jobId(), properties.creditDecisionWait()));
  }

  private static Outcome sameRequestOrConflict(Outcome earlier, String requestHash) {
    if (!earlier.requestHash().equals(requestHash)) {
      throw ApiException.conflict("Idempotency-Key was already used for a different request");
    }
    return earlier;
  }

  /** The checks that need the catalog; the workflow when they pass. */
  private Workflow validate(CollectionGenerationRequest request) {
    List<FieldError> errors = new ArrayList<>();
    if (!UUID_PATTERN.matcher(request.workflowId()).matches()) {
      errors.add(new FieldError("workflow_id", "must be a UUID"));
    }
    String blockchain = request.metadata() == null ? null : request.metadata().blockchain();
    if (blockchain != null && Arrays.stream(Blockchain.values()).noneMatch(b -> b.name().equals(blockchain))) {
      errors.add(new FieldError("metadata.blockchain", "must be one of: " + BLOCKCHAINS));
    }
    if (!errors.isEmpty()) {
      throw new ApiException(ErrorCode.VALIDATION_FAILED, "Validation failed", errors);
    }
    Workflow workflow = catalog.get(UUID.fromString(request.workflowId()));
    // A dry run of the workflow with these variables: per-variable 400s exactly as the job would
    // meet them, and 422 for a disabled workflow or an unavailable model.
    catalog.render(workflow, request.variables());
    return workflow;
  }

  /**
   * The collection's instruction set (API.md, "The instruction set"): one step running the
   * workflow with the caller's variables as its inputs.
   */
  private ObjectNode instructionSet(CollectionGenerationRequest request, Workflow workflow) {
    ObjectNode data = json.createObjectNode();
    data.put("version", "v2");
    ObjectNode step = data.putArray("steps").addObject();
    step.put("id", 1);
    step.put("nodeName", workflow.name());
    step.put("alias", workflow.name());
    ObjectNode payload = step.putObject("nodePayload");
    if (request.variables() != null && request.variables().isObject()) {
      request.variables().properties().forEach(e -> payload.set(e.getKey(), e.getValue()));
    }
    ObjectNode generations = data.putObject("generations");
    generations.put("generations", request.generationsOrDefault());
    generations.putArray("hashes");
    generations.put("use_custom_hashes", false);
    data.putArray("variables");
    return data;
  }

  /** What "the same body" means for an Idempotency-Key: the request as read, defaults applied. */
  private String hash(CollectionGenerationRequest request) {
    ObjectNode canonical = json.createObjectNode();
    canonical.put("title", request.title());
    canonical.put("workflow_id", request.workflowId());
    canonical.set("variables", request.variables());
    canonical.put("generations", request.generationsOrDefault());
    CollectionGenerationRequest.Metadata metadata = request.metadata();
    if (metadata != null) {
      ObjectNode m = canonical.putObject("metadata");
      m.put("editions", metadata.editions());
      m.put("price", metadata.price() == null ? null : metadata.price().stripTrailingZeros().toPlainString());
      m.put("blockchain", metadata.blockchain());
    }
    return RequestFingerprint.of(json, canonical);
  }
}
