package io.emprops.publishing.api;

import io.emprops.publishing.domain.publication.Publication;
import io.emprops.publishing.domain.publication.PublicationStatus;
import io.emprops.publishing.domain.publication.Publications;
import io.emprops.web.api.ApiException;
import io.emprops.web.api.ApiResponse;
import io.emprops.web.identity.CallerIdentity;
import java.util.UUID;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /collections/{id}/publication} (API.md, "Publishing"). */
@RestController
public class PublicationController {

  private final Publications publications;

  public PublicationController(Publications publications) {
    this.publications = publications;
  }

  /**
   * The collection's owner (or an admin) sees its publication at every stage; anyone sees a
   * confirmed one, whose contract is public on chain anyway. Others get 404, as for no publication.
   */
  @GetMapping("/collections/{collectionId}/publication")
  public ApiResponse<PublicationView> publication(CallerIdentity caller, @PathVariable UUID collectionId) {
    Publication publication = publications.find(collectionId)
        .filter(p -> p.status() == PublicationStatus.CONFIRMED || caller.hasRole(CallerIdentity.ADMIN_ROLE)
            || caller.userId().filter(p.userId()::equals).isPresent())
        .orElseThrow(() -> ApiException.notFound("Publication"));
    return ApiResponse.ok(PublicationView.of(publication));
  }

  /** @param error why it failed, prefixed by its code */
  public record PublicationView(String status, String blockchain, Long chainId, String contractAddress, String txHash,
      Long blockNumber, int confirmations, String error) {

    static PublicationView of(Publication p) {
      boolean sent = p.status() != PublicationStatus.PENDING || p.currentBroadcast();
      return new PublicationView(p.status().wireName(), p.blockchain().name(), p.chainId(),
          sent ? p.contractAddress() : null, sent ? p.txHash() : null, p.blockNumber(), p.confirmations(),
          p.error() == null ? null : p.failureCode() + ": " + p.error());
    }
  }
}
