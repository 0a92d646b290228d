package io.emprops.collections.api;

import io.emprops.collections.domain.Collection;
import io.emprops.collections.domain.Collections;
import io.emprops.collections.domain.Feed;
import io.emprops.collections.domain.Forks;
import io.emprops.collections.domain.Publications;
import io.emprops.collections.domain.SocialCustody;
import io.emprops.collections.domain.SocialCustody.SocialIdentity;
import io.emprops.web.api.ApiException;
import io.emprops.web.api.ApiResponse;
import io.emprops.web.api.IfMatch;
import io.emprops.web.identity.CallerIdentity;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Instant;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.validation.annotation.Validated;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.node.ObjectNode;
import org.springframework.web.bind.annotation.ResponseStatus;

/** The feed, remix and templates (API.md, "Templates, feed and remix"). */
@RestController
@Validated
public class TemplatesController {

  private final Feed feed;
  private final Forks forks;
  private final Collections collections;
  private final Publications publications;

  public TemplatesController(Feed feed, Forks forks, Collections collections, Publications publications) {
    this.feed = feed;
    this.forks = forks;
    this.collections = collections;
    this.publications = publications;
  }

  /** Public. {@code size=0} returns every entry on one page. */
  @GetMapping("/feed")
  public ApiResponse<FeedView> feed(
      @RequestParam(defaultValue = "1") @Min(1) int page,
      @RequestParam(defaultValue = "10") @Min(0) @Max(Paging.MAX_PAGE_SIZE) int size,
      @RequestParam(required = false) Instant afterDate) {
    Instant after = afterDate;
    Feed.FeedPage result = size == 0
        ? feed.page(after, 0, null)
        : feed.page(after, Paging.offset(page, size), size);
    return ApiResponse.ok(FeedView.of(result, size == 0 ? 1 : page, size));
  }

  /**
   * Forks an open collection into the caller's project, or custodially for a social identity
   * (then the fork belongs to that identity's provisioned user until someone links it).
   */
  @PostMapping("/collections/{collectionId}/remix")
  @ResponseStatus(HttpStatus.CREATED)
  public ResponseEntity<ApiResponse<CollectionView>> remix(
      CallerIdentity caller, @PathVariable UUID collectionId, @RequestBody(required = false) RemixRequest body) {
    String userId = caller.requireUserId();
    RemixRequest request = body == null ? new RemixRequest(null, null, null) : body;
    SocialIdentity socialOwner = null;
    if (request.socialOrg() != null || request.socialIdentifier() != null) {
      if (request.projectId() != null) {
        throw ApiException.invalid("project_id", "cannot be combined with social_org and social_identifier");
      }
      socialOwner = SocialCustody.identity(request.socialOrg(), request.socialIdentifier(), "social_org", "social_identifier");
    }
    return created(forks.remix(userId, collectionId, request.projectId(), socialOwner));
  }

  /** A custodial fork of a template for a social identity, with dot-notation overrides. */
  @PostMapping("/collections/custodial/from-template")
  @ResponseStatus(HttpStatus.CREATED)
  public ResponseEntity<ApiResponse<CollectionView>> fromTemplate(
      CallerIdentity caller, @Valid @RequestBody FromTemplateRequest body) {
    caller.requireUserId();
    SocialIdentity socialOwner = SocialCustody.identity(body.socialOrg(), body.socialIdentifier(), "social_org", "social_identifier");
    return created(forks.fromTemplate(body.templateId(), socialOwner, body.overrides()));
  }

  private ResponseEntity<ApiResponse<CollectionView>> created(Collection fork) {
    CollectionView view = CollectionView.of(fork, collections.previewOf(fork.id()),
        publications.stateOf(fork.id()).orElse(null));
    return ResponseEntity.status(HttpStatus.CREATED).eTag(IfMatch.etag(fork.version())).body(ApiResponse.ok(view));
  }

  public record RemixRequest(UUID projectId, String socialOrg, String socialIdentifier) {}

  /** @param overrides dot-notation paths into the copy and their new values */
  public record FromTemplateRequest(
      @NotNull UUID templateId, String socialOrg, String socialIdentifier, ObjectNode overrides) {}
}
