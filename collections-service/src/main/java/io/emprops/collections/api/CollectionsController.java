package io.emprops.collections.api;

import io.emprops.collections.domain.Collection;
import io.emprops.collections.domain.CollectionFields;
import io.emprops.collections.domain.CollectionReceivers;
import io.emprops.collections.domain.Collections;
import io.emprops.collections.domain.Collections.Readable;
import io.emprops.collections.domain.Forks;
import io.emprops.collections.domain.PreviewSettings;
import io.emprops.collections.domain.PublicCollections;
import io.emprops.collections.domain.Publications;
import io.emprops.collections.domain.Receiver;
import io.emprops.collections.domain.ReceiverInput;
import io.emprops.web.api.ApiException;
import io.emprops.web.api.ApiResponse;
import io.emprops.web.api.IfMatch;
import io.emprops.web.api.PageResponse;
import io.emprops.web.identity.CallerIdentity;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.util.List;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.validation.annotation.Validated;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;
import org.springframework.web.bind.annotation.ResponseStatus;

/**
 * Collections (API.md, "Collections"): creation, partial updates, owner and public views,
 * receivers, preview settings and the publication request.
 */
@RestController
@Validated
public class CollectionsController {

  private final Collections collections;
  private final CollectionReceivers receivers;
  private final Publications publications;
  private final PublicCollections publicCollections;
  private final Forks forks;

  public CollectionsController(Collections collections, CollectionReceivers receivers, Publications publications,
      PublicCollections publicCollections, Forks forks) {
    this.collections = collections;
    this.receivers = receivers;
    this.publications = publications;
    this.publicCollections = publicCollections;
    this.forks = forks;
  }

  /**
   * Creates a collection from the collection fields in the body (all optional; an empty v2
   * instruction set by default) in {@code project_id}, or in the caller's default project.
   *
   * <p>With {@code asset_id} the collection starts as a copy of the instruction set that generated
   * the asset, set to reproduce that generation (see {@link Forks#fromAsset}); fields in the body
   * still win. 404 when the asset is unknown, an upload, or neither the caller's nor from a
   * collection open for remixing; 409 (retry shortly) while its generation's input has not arrived.
   */
  @PostMapping("/projects/collections")
  @ResponseStatus(HttpStatus.CREATED)
  public ResponseEntity<ApiResponse<CollectionView>> create(
      CallerIdentity caller,
      @RequestParam(name = "project_id", required = false) UUID projectId,
      @RequestParam(name = "asset_id", required = false) UUID assetId,
      @RequestBody(required = false) ObjectNode body) {
    String userId = caller.requireUserId();
    if (assetId != null) {
      return created(forks.fromAsset(userId, assetId, projectId, body));
    }
    CollectionFields fields = CollectionFields.untitled().merge(body == null ? JsonNodeFactory.instance.objectNode() : body, "data");
    return created(collections.create(userId, projectId, fields));
  }

  /** The third-party API's way to create a collection from an instruction set. */
  @PostMapping("/api/collections/create")
  @ResponseStatus(HttpStatus.CREATED)
  public ResponseEntity<ApiResponse<CollectionView>> createFromInstructionSet(
      CallerIdentity caller, @Valid @RequestBody InstructionSetCollection body) {
    String userId = caller.requireUserId();
    ObjectNode patch = JsonNodeFactory.instance.objectNode();
    patch.put("title", body.title());
    patch.put("description", body.description());
    patch.set("instruction_set", body.instructionSet());
    CollectionFields fields = CollectionFields.untitled().merge(patch, "instruction_set");
    return created(collections.create(userId, body.projectId(), fields));
  }

  /**
   * Partial update: the fields present are replaced (null clears an optional one). The version to
   * update may be given as If-Match or as {@code version} in the body; a stale one is a 409.
   */
  @PutMapping("/projects/{projectId}/collections/{collectionId}")
  @ResponseStatus(HttpStatus.NO_CONTENT)
  public ResponseEntity<Void> update(
      CallerIdentity caller, @PathVariable UUID projectId, @PathVariable UUID collectionId,
      @RequestBody ObjectNode patch,
      @RequestHeader(name = IfMatch.HEADER, required = false) String ifMatch) {
    String userId = caller.requireUserId();
    Long expectedVersion = expectedVersion(IfMatch.version(ifMatch), patch.remove("version"));
    Collection updated = collections.update(userId, projectId, collectionId, patch, expectedVersion);
    return ResponseEntity.noContent().eTag(IfMatch.etag(updated.version())).build();
  }

  @GetMapping("/projects/{projectId}/collections/current")
  public ResponseEntity<ApiResponse<CollectionView>> current(CallerIdentity caller, @PathVariable UUID projectId) {
    return ownerView(HttpStatus.OK, collections.current(caller.requireUserId(), projectId));
  }

  /** The owner's full view; anyone else gets the public view of a public collection, or 404. */
  @GetMapping("/collections/{collectionId}")
  public ResponseEntity<? extends ApiResponse<?>> get(CallerIdentity caller, @PathVariable UUID collectionId) {
    Readable readable = collections.readable(caller.userId(), collectionId);
    if (readable.byOwner()) {
      return ownerView(HttpStatus.OK, readable.collection());
    }
    return ResponseEntity.ok(ApiResponse.ok(PublicCollectionView.of(publicCollections.of(readable.collection(), false))));
  }

  @GetMapping("/collections/{collectionId}/public")
  public ApiResponse<PublicCollectionView> publicView(@PathVariable UUID collectionId) {
    return ApiResponse.ok(PublicCollectionView.of(publicCollections.withAssets(collectionId)));
  }

  /** Published collections, newest first. */
  @GetMapping("/collections")
  public ApiResponse<PageResponse<PublicCollectionView>> published(
      @RequestParam(defaultValue = "1") @Min(1) int page,
      @RequestParam(defaultValue = "20") @Min(1) @Max(Paging.MAX_PAGE_SIZE) int size) {
    List<PublicCollectionView> items = publicCollections.publishedPage(Paging.offset(page, size), size).stream()
        .map(PublicCollectionView::of).toList();
    return ApiResponse.ok(PageResponse.of(items, page, size, publicCollections.countPublished()));
  }

  /** Replaces the collection's receivers with the given list. */
  @PostMapping("/projects/{projectId}/collections/{collectionId}/receivers")
  public ApiResponse<List<Receiver>> replaceReceivers(
      CallerIdentity caller, @PathVariable UUID projectId, @PathVariable UUID collectionId,
      @Valid @RequestBody ReceiversRequest body) {
    return ApiResponse.ok(receivers.replace(caller.requireUserId(), projectId, collectionId, body.receivers()));
  }

  @GetMapping("/projects/{projectId}/collections/{collectionId}/receivers")
  public ApiResponse<List<Receiver>> receivers(
      CallerIdentity caller, @PathVariable UUID projectId, @PathVariable UUID collectionId) {
    return ApiResponse.ok(receivers.of(caller.requireUserId(), projectId, collectionId));
  }

  /** Starts on-chain publication; the collection is {@code publishing} until publishing reports back. */
  @PostMapping("/collections/{collectionId}/publish")
  @ResponseStatus(HttpStatus.ACCEPTED)
  public ResponseEntity<ApiResponse<CollectionView>> publish(CallerIdentity caller, @PathVariable UUID collectionId) {
    return ownerView(HttpStatus.ACCEPTED, publications.request(caller.requireUserId(), collectionId));
  }

  @PutMapping("/collections/{collectionId}/preview")
  public ApiResponse<PreviewView> preview(
      CallerIdentity caller, @PathVariable UUID collectionId, @Valid @RequestBody PreviewRequest body) {
    return ApiResponse.ok(PreviewView.of(collections.changePreview(caller.requireUserId(), collectionId,
        new PreviewSettings(body.enabled(), body.isRemixable()))));
  }

  private ResponseEntity<ApiResponse<CollectionView>> created(Collection collection) {
    return ownerView(HttpStatus.CREATED, collection);
  }

  private ResponseEntity<ApiResponse<CollectionView>> ownerView(HttpStatus status, Collection collection) {
    CollectionView view = CollectionView.of(collection, collections.previewOf(collection.id()),
        publications.stateOf(collection.id()).orElse(null));
    return ResponseEntity.status(status).eTag(IfMatch.etag(collection.version())).body(ApiResponse.ok(view));
  }

  private static Long expectedVersion(Long fromHeader, JsonNode fromBody) {
    if (fromBody == null || fromBody.isNull()) {
      return fromHeader;
    }
    if (!fromBody.isIntegralNumber() || !fromBody.canConvertToLong()) {
      throw ApiException.invalid("version", "must be the version you read, a whole number");
    }
    if (fromHeader != null && fromHeader != fromBody.longValue()) {
      throw ApiException.invalid("version", "disagrees with If-Match");
    }
    return fromBody.longValue();
  }

  public record InstructionSetCollection(
      @NotBlank @Size(max = CollectionFields.MAX_TITLE_LENGTH) String title,
      @Size(max = CollectionFields.MAX_DESCRIPTION_LENGTH) String description,
      @NotNull JsonNode instructionSet,
      UUID projectId) {}

  public record ReceiversRequest(@NotNull @Size(max = CollectionReceivers.MAX_RECEIVERS) List<ReceiverInput> receivers) {}

  public record PreviewRequest(@NotNull Boolean enabled, @NotNull Boolean isRemixable) {}
}
