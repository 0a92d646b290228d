package io.emprops.generator.api;

import io.emprops.generator.domain.collectiongen.CollectionGenerationRequest;
import io.emprops.generator.domain.collectiongen.CollectionGenerations;
import io.emprops.generator.domain.collectiongen.CollectionGenerations.Started;
import io.emprops.generator.domain.job.Job;
import io.emprops.web.api.ApiResponse;
import io.emprops.web.api.IdempotencyKey;
import io.emprops.web.identity.CallerIdentity;
import jakarta.validation.Valid;
import java.util.Map;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.validation.annotation.Validated;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.bind.annotation.ResponseStatus;

/** Collection from a workflow plus its first generation, in one call (API.md, "Templates, feed and remix"). */
@RestController
@Validated
public class CollectionGenerationController {

  private final CollectionGenerations generations;

  public CollectionGenerationController(CollectionGenerations generations) {
    this.generations = generations;
  }

  /**
   * 201 with the new collection and its job: {@code queued} when credits were reserved within the
   * wait, {@code pending} when they have not decided yet; 402 when they refused (the collection
   * stays, as a draft the caller owns).
   */
  @PostMapping("/api/collections/generate")
  @ResponseStatus(HttpStatus.CREATED)
  public ResponseEntity<ApiResponse<Created>> generate(
      CallerIdentity caller,
      @Valid @RequestBody CollectionGenerationRequest body,
      @RequestHeader(name = IdempotencyKey.HEADER, required = false) @IdempotencyKey String idempotencyKey) {
    Started started = generations.generate(caller, body, idempotencyKey);
    Job job = CreditRefusals.requireNotRefused(started.job());
    return ResponseEntity.status(HttpStatus.CREATED).body(ApiResponse.ok(Created.of(started.collectionId(), job)));
  }

  /** 201 body: the collection, its job and where to follow the job. */
  public record Created(UUID collectionId, UUID jobId, String status, Map<String, String> urls) {
    static Created of(UUID collectionId, Job job) {
      return new Created(collectionId, job.id(), job.status(),
          Map.of("job_url", "/jobs/" + job.id(), "job_events_url", "/jobs/" + job.id() + "/events"));
    }
  }
}
