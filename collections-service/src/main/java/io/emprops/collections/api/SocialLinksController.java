package io.emprops.collections.api;

import io.emprops.collections.domain.SocialCustody;
import io.emprops.collections.domain.SocialCustody.LinkOutcome;
import io.emprops.web.api.ApiResponse;
import io.emprops.web.identity.CallerIdentity;
import java.time.Instant;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /social-links}: the caller claims a social identity; what was held for it custodially
 * becomes theirs. 201 when linked now, 200 when it was linked to the caller already, 409 when it is
 * linked to someone else.
 */
@RestController
public class SocialLinksController {

  private final SocialCustody custody;

  public SocialLinksController(SocialCustody custody) {
    this.custody = custody;
  }

  @PostMapping("/social-links")
  public ResponseEntity<ApiResponse<SocialLinkView>> link(CallerIdentity caller, @RequestBody SocialLinkRequest body) {
    String userId = caller.requireUserId();
    LinkOutcome outcome = custody.link(userId,
        SocialCustody.identity(body.socialOrg(), body.socialIdentifier(), "social_org", "social_identifier"));
    var view = new SocialLinkView(outcome.link().socialOrg(), outcome.link().socialIdentifier(), userId,
        outcome.link().linkedAt(), outcome.transferredProjects(), outcome.transferredCollections());
    return ResponseEntity.status(outcome.linkedNow() ? HttpStatus.CREATED : HttpStatus.OK).body(ApiResponse.ok(view));
  }

  public record SocialLinkRequest(String socialOrg, String socialIdentifier) {}

  /** @param transferredCollections how many collections this request moved to the caller */
  public record SocialLinkView(
      String socialOrg, String socialIdentifier, String userId, Instant linkedAt,
      int transferredProjects, int transferredCollections) {}
}
