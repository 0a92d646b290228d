package io.emprops.collections.api;

import io.emprops.collections.domain.SocialCustody;
import io.emprops.collections.domain.SocialCustody.LinkOutcome;
import io.emprops.web.api.ApiException;
import io.emprops.web.api.ApiResponse;
import io.emprops.web.identity.CallerIdentity;
import java.time.Instant;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.bind.annotation.ResponseStatus;

/**
 * {@code POST /social-links}: records that a user proved a social identity; what was held for it
 * custodially becomes theirs. 201 when linked now, 200 when it was linked to that user already,
 * 409 when it is linked to someone else.
 *
 * <p>Only the integration that verified the identity (the sign-in with that network) may say so:
 * the caller needs the {@value #LINKER_ROLE} role (or {@code admin}) and names the user. A user
 * claiming an identity for themselves would take over every collection held for it.
 */
@RestController
public class SocialLinksController {

  static final String LINKER_ROLE = "identity-linker";

  private final SocialCustody custody;

  public SocialLinksController(SocialCustody custody) {
    this.custody = custody;
  }

  @PostMapping("/social-links")
  @ResponseStatus(HttpStatus.CREATED)
  public ResponseEntity<ApiResponse<SocialLinkView>> link(CallerIdentity caller, @RequestBody SocialLinkRequest body) {
    caller.requireUserId();
    if (!caller.hasRole(LINKER_ROLE) && !caller.hasRole("admin")) {
      throw ApiException.forbidden("Linking a social identity needs the " + LINKER_ROLE
          + " role: the integration that verified the identity links it");
    }
    if (body.userId() == null || body.userId().isBlank() || body.userId().length() > 200) {
      throw ApiException.invalid("user_id", "must name the user who proved the identity");
    }
    String userId = body.userId();
    LinkOutcome outcome = custody.link(userId,
        SocialCustody.identity(body.socialOrg(), body.socialIdentifier(), "social_org", "social_identifier"));
    var view = new SocialLinkView(outcome.link().socialOrg(), outcome.link().socialIdentifier(), userId,
        outcome.link().linkedAt(), outcome.transferredProjects(), outcome.transferredCollections());
    return ResponseEntity.status(outcome.linkedNow() ? HttpStatus.CREATED : HttpStatus.OK).body(ApiResponse.ok(view));
  }

  /** @param userId the user who proved the identity */
  public record SocialLinkRequest(String userId, String socialOrg, String socialIdentifier) {}

  /** @param transferredCollections how many collections this request moved to the user */
  public record SocialLinkView(
      String socialOrg, String socialIdentifier, String userId, Instant linkedAt,
      int transferredProjects, int transferredCollections) {}
}
