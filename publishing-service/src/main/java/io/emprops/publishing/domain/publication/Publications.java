package io.emprops.publishing.domain.publication;

import io.emprops.publishing.domain.chains.Chains;
import io.emprops.publishing.persistence.PublicationRepository;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Accepts publish requests: one publication per collection, created before anything is signed.
 * The chain's worker ({@link PublicationWorkers}) takes it from there.
 */
@Service
@Transactional
public class Publications {

  private static final Logger log = LoggerFactory.getLogger(Publications.class);

  private final PublicationRepository publications;
  private final Chains chains;
  private final PublicationNotifications notifications;
  private final PublicationMetrics metrics;
  private final PublicationWorkers workers;

  public Publications(PublicationRepository publications, Chains chains, PublicationNotifications notifications,
      PublicationMetrics metrics, PublicationWorkers workers) {
    this.publications = publications;
    this.chains = chains;
    this.notifications = notifications;
    this.metrics = metrics;
    this.workers = workers;
  }

  /**
   * A publish request. A collection already publishing or published is never deployed again: the
   * request is ignored (a confirmed publication is announced again, for a collections service that
   * may have missed it). A failed publication starts over.
   */
  public void request(PublishRequest request) {
    Optional<Publication> existing = publications.lock(request.collectionId());
    if (existing.isPresent() && existing.get().status() != PublicationStatus.FAILED) {
      Publication publication = existing.get();
      if (publication.status() == PublicationStatus.CONFIRMED) {
        notifications.confirmed(publication);
      }
      log.info("Publication of collection {} is {} already; request of revision {} ignored",
          request.collectionId(), publication.status().wireName(), request.revision());
      return;
    }
    Chains.Availability availability = chains.availability(request.blockchain());
    Long chainId = availability.chain() == null ? null : availability.chain().chainId();
    if (!availability.publishable()) {
      String code = availability.chain() == null ? FailureCode.CHAIN_UNSUPPORTED : FailureCode.CHAIN_DISABLED;
      reject(request, null, null, code, request.blockchain() + " publishing is unavailable: " + availability.reason());
      return;
    }
    DeploymentPlan plan;
    try {
      plan = DeploymentPlans.plan(request);
    } catch (DeploymentPlans.InvalidCollection e) {
      reject(request, availability.chain().name(), chainId, FailureCode.INVALID_COLLECTION, e.getMessage());
      return;
    }
    publications.accept(request.collectionId(), request.userId(), request.blockchain(), availability.chain().name(),
        chainId, plan, request.revision(), request.requestedAt());
    metrics.accepted();
    String chain = availability.chain().name();
    TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
      @Override
      public void afterCommit() {
        workers.wake(chain);
      }
    });
  }

  private void reject(PublishRequest request, String chainName, Long chainId, String code, String error) {
    publications.accept(request.collectionId(), request.userId(), request.blockchain(), chainName, chainId, null,
        request.revision(), request.requestedAt());
    publications.failed(request.collectionId(), code, error);
    Publication failed = publications.find(request.collectionId()).orElseThrow();
    metrics.failed(code);
    notifications.failed(failed);
    log.info("Publication of collection {} failed: {} {}", request.collectionId(), code, error);
  }

  @Transactional(readOnly = true)
  public Optional<Publication> find(UUID collectionId) {
    return publications.find(collectionId);
  }
}
