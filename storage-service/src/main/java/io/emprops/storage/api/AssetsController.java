package io.emprops.storage.api;

import io.emprops.storage.domain.asset.AssetFilter;
import io.emprops.storage.domain.asset.Assets;
import io.emprops.storage.domain.objects.ObjectStoreException;
import io.emprops.storage.domain.upload.UploadRefused;
import io.emprops.storage.domain.upload.UploadResult;
import io.emprops.storage.domain.upload.Uploads;
import io.emprops.web.api.ApiException;
import io.emprops.web.api.ApiResponse;
import io.emprops.web.api.ErrorCode;
import io.emprops.web.api.PageResponse;
import io.emprops.web.identity.CallerIdentity;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.io.IOException;
import java.net.URI;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.validation.annotation.Validated;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.bind.annotation.ResponseStatus;

/** {@code /assets}: the caller's uploads and generated files (API.md, "Assets"). */
@RestController
@RequestMapping("/assets")
@Validated
public class AssetsController {

  private static final Logger log = LoggerFactory.getLogger(AssetsController.class);
  static final int MAX_PAGE_SIZE = 100;
  /** Room for the multipart framing around a file of the largest accepted size. */
  private static final long MULTIPART_OVERHEAD = 64 * 1024;

  private final Assets assets;
  private final Uploads uploads;

  public AssetsController(Assets assets, Uploads uploads) {
    this.assets = assets;
    this.uploads = uploads;
  }

  /**
   * {@code multipart/form-data} with a {@code file} part and an optional {@code collection_id}.
   * The file streams to the object store as it arrives. 201 with the new asset, or 200 with the
   * caller's asset of the same content (uploads are de-duplicated per user).
   */
  @PostMapping
  @ResponseStatus(HttpStatus.CREATED)
  public ResponseEntity<ApiResponse<AssetView>> upload(CallerIdentity caller, HttpServletRequest request)
      throws IOException {
    String userId = caller.requireUserId();
    if (!MultipartUpload.isMultipart(request)) {
      throw new ApiException(ErrorCode.UNSUPPORTED_MEDIA_TYPE,
          "Send the file as multipart/form-data in a part named file");
    }
    long maxBytes = uploads.policy().maxBytes();
    if (request.getContentLengthLong() > maxBytes + MULTIPART_OVERHEAD) {
      throw tooLarge(maxBytes);
    }
    MultipartUpload.Parsed parsed;
    try {
      parsed = MultipartUpload.read(request, (fileName, content) -> uploads.stage(userId, fileName, content),
          uploads::discard);
    } catch (UploadRefused e) {
      throw switch (e.reason()) {
        case TOO_LARGE -> tooLarge(maxBytes);
        case UNSUPPORTED_TYPE -> new ApiException(ErrorCode.UNSUPPORTED_MEDIA_TYPE, e.getMessage());
      };
    } catch (ApiException e) {
      throw e;
    } catch (IOException e) {
      // The client went away or sent less than it announced: nothing was kept.
      log.debug("Upload of {} ended early: {}", userId, e.toString());
      throw new ApiException(ErrorCode.VALIDATION_FAILED, "The upload ended before the file was complete");
    }
    if (parsed.staged() == null) {
      throw ApiException.invalid(MultipartUpload.FILE_PART, "is required");
    }
    UUID collectionId;
    try {
      collectionId = uuidField(parsed.fields().get("collection_id"), "collection_id");
    } catch (ApiException e) {
      uploads.discard(parsed.staged());
      throw e;
    }
    UploadResult result = uploads.commit(parsed.staged(), collectionId);
    AssetView view = AssetView.of(result.stored());
    return ResponseEntity.status(result.created() ? HttpStatus.CREATED : HttpStatus.OK)
        .location(URI.create("/assets/" + view.id()))
        .body(ApiResponse.ok(view));
  }

  @GetMapping
  public ApiResponse<PageResponse<AssetView>> list(
      CallerIdentity caller,
      @RequestParam(name = "collection_id", required = false) UUID collectionId,
      @RequestParam(name = "job_id", required = false) UUID jobId,
      @RequestParam(defaultValue = "1") @Min(1) @Max(1_000_000) int page,
      @RequestParam(defaultValue = "20") @Min(1) @Max(MAX_PAGE_SIZE) int size) {
    String userId = caller.requireUserId();
    AssetFilter filter = new AssetFilter(collectionId, jobId);
    var items = assets.list(userId, filter, (long) (page - 1) * size, size).stream().map(AssetView::of).toList();
    return ApiResponse.ok(PageResponse.of(items, page, size, assets.count(userId, filter)));
  }

  @GetMapping("/{id}")
  public ApiResponse<AssetView> get(CallerIdentity caller, @PathVariable UUID id) {
    return ApiResponse.ok(assets.find(id, caller.requireUserId()).map(AssetView::of)
        .orElseThrow(() -> ApiException.notFound("Asset")));
  }

  /** 302 to a short-lived URL of the content at the store itself (the service never relays it). */
  @GetMapping("/{id}/download")
  public ResponseEntity<Void> download(CallerIdentity caller, @PathVariable UUID id) {
    URI url = assets.downloadUrl(id, caller.requireUserId()).orElseThrow(() -> ApiException.notFound("Asset"));
    return ResponseEntity.status(HttpStatus.FOUND).location(url).cacheControl(CacheControl.noStore()).build();
  }

  @DeleteMapping("/{id}")
  @ResponseStatus(HttpStatus.NO_CONTENT)
  public ResponseEntity<Void> delete(CallerIdentity caller, @PathVariable UUID id) {
    if (!assets.delete(id, caller.requireUserId())) {
      throw ApiException.notFound("Asset");
    }
    return ResponseEntity.noContent().build();
  }

  /** The store is down or refused a call: the client may retry; the details go to the log only. */
  @ExceptionHandler(ObjectStoreException.class)
  ResponseEntity<ApiResponse<Void>> storeUnavailable(ObjectStoreException e) {
    log.warn("Object store call failed: {}", e.getMessage(), e.getCause());
    return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
        .body(ApiResponse.failure(ErrorCode.SERVICE_UNAVAILABLE, "Storage is unavailable; try again shortly"));
  }

  private static ApiException tooLarge(long maxBytes) {
    return new ApiException(ErrorCode.PAYLOAD_TOO_LARGE, "File is larger than the limit of " + maxBytes + " bytes");
  }

  private static UUID uuidField(String value, String field) {
    if (value == null || value.isEmpty()) {
      return null;
    }
    try {
      return UUID.fromString(value);
    } catch (IllegalArgumentException e) {
      throw ApiException.invalid(field, "must be a UUID");
    }
  }
}
