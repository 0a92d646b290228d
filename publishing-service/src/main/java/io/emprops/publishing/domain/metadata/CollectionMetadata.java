package io.emprops.publishing.domain.metadata;

import io.emprops.publishing.domain.publication.DeploymentPlan;
import io.emprops.publishing.domain.publication.Publication;
import io.emprops.publishing.domain.publication.PublicationStatus;
import io.emprops.publishing.domain.publication.Publications;
import io.emprops.publishing.domain.publication.PublishingSettings;
import java.util.Optional;
import java.util.UUID;
import org.springframework.stereotype.Service;

/** The metadata a published collection's contract points at. */
@Service
public class CollectionMetadata {

  private final Publications publications;
  private final PublishingSettings settings;

  public CollectionMetadata(Publications publications, PublishingSettings settings) {
    this.publications = publications;
    this.settings = settings;
  }

  /**
   * @return empty for a collection never accepted for publication, or whose publication failed
   *     (no contract points here)
   */
  public Optional<Contract> contract(UUID collectionId) {
    return publications.find(collectionId)
        .filter(p -> p.status() != PublicationStatus.FAILED && p.plan() != null)
        .map(p -> new Contract(of(p), p.status() == PublicationStatus.CONFIRMED));
  }

  private ContractMetadata of(Publication publication) {
    DeploymentPlan plan = publication.plan();
    String feeRecipient = switch (plan.royalties().size()) {
      case 0 -> null;
      case 1 -> plan.royalties().getFirst().address();
      default -> publication.contractAddress();
    };
    String external = settings.externalBaseUrl().toString().replaceAll("/+$", "") + "/collections/"
        + publication.collectionId();
    return new ContractMetadata(plan.title(), plan.symbol(), plan.description(), plan.coverImageUrl(), external,
        plan.royaltyBasisPoints(), feeRecipient, plan.payees().stream().map(DeploymentPlan.Share::address).toList());
  }

  /** @param fin whether it can no longer change (the contract is deployed and confirmed) */
  public record Contract(ContractMetadata metadata, boolean fin) {}
}
