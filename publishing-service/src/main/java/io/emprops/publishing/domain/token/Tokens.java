package io.emprops.publishing.domain.token;

import io.emprops.events.contract.TokenMinted;
import io.emprops.publishing.domain.publication.DeploymentPlan;
import io.emprops.publishing.domain.publication.PublicationStatus;
import io.emprops.publishing.domain.publication.Publications;
import io.emprops.publishing.persistence.TokenRepository;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.databind.JsonNode;

/**
 * The tokens of published collections, followed through their generation (ARCHITECTURE.md,
 * "Mint"): the chain follower writes a token's row when its mint is confirmed; the generation
 * events of the token's job ({@code TokenMinted.generationJobIdOf}) move it to {@code generating}
 * and to {@code ready} or {@code failed}; a failed token follows its owner's retry
 * ({@code TokenMinted.generationRetryJobIdOf}) back to {@code generating} when the retry reports.
 *
 * <p>Every change is one conditional UPDATE by the job id that never moves a status back, so a
 * redelivered or late event changes nothing, and {@code TokenReady} is published by the one
 * transaction that makes the token ready. Events of other jobs match no row.
 */
@Service
@Transactional
public class Tokens {

  private static final Logger log = LoggerFactory.getLogger(Tokens.class);

  private final TokenRepository tokens;
  private final Publications publications;
  private final TokenNotifications notifications;
  private final TokenSettings settings;

  public Tokens(TokenRepository tokens, Publications publications, TokenNotifications notifications,
      TokenSettings settings) {
    this.tokens = tokens;
    this.publications = publications;
    this.notifications = notifications;
    this.settings = settings;
  }

  /**
   * Whether {@code jobId} can be a token's generation: those ids are name-based (version 3 UUIDs),
   * the generator's own are not, so most events of other jobs are passed over without a query.
   */
  public static boolean mayBeTokenJob(UUID jobId) {
    return jobId != null && jobId.version() == 3;
  }

  public void generationStarted(UUID jobId) {
    if (isTokenJob(jobId) && tokens.generating(jobId)) {
      log.debug("Token of job {} is generating", jobId);
    }
  }

  /** A step's output: keeps the first values the generation reported (every step reports the same). */
  public void stepCompleted(UUID jobId, String hash, JsonNode variables) {
    if (isTokenJob(jobId)) {
      tokens.generationInput(jobId, hash, variables != null && variables.isObject() ? variables : null);
    }
  }

  /** The job's outputs are stored: the token is ready with its image, announced once. */
  public void generationCompleted(UUID jobId, List<GeneratedOutput> outputs, Instant completedAt) {
    if (!isTokenJob(jobId)) {
      return;
    }
    Optional<GeneratedOutput> image = GeneratedOutput.imageOf(outputs);
    if (image.isEmpty()) {
      generationFailed(jobId, "NO_OUTPUT", "the generation completed without any output");
      return;
    }
    tokens.ready(jobId, image.get().assetId(), image.get().url(), completedAt).ifPresent(token -> {
      log.info("Token {} of collection {} is ready", token.tokenId(), token.collectionId());
      notifications.ready(token, metadataUrl(token));
    });
  }

  /** The token failed; should its owner retry the generation, the token follows the retry. */
  public void generationFailed(UUID jobId, String code, String error) {
    if (isTokenJob(jobId) && tokens.failed(jobId, code, error, TokenMinted.generationRetryJobIdOf(jobId))) {
      log.warn("Generation of the token of job {} failed: {} {}", jobId, code, error);
    }
  }

  /**
   * Whether the event may concern a token; a failed token's retry reporting for the first time
   * becomes the token's job here, so every handler then finds the token by it.
   */
  private boolean isTokenJob(UUID jobId) {
    if (!mayBeTokenJob(jobId)) {
      return false;
    }
    if (tokens.followRetry(jobId)) {
      log.info("A failed token follows the retry of its generation, job {}", jobId);
    }
    return true;
  }

  /** The token's {@code tokenURI}: where its contract says its metadata is. */
  public String metadataUrl(Token token) {
    return DeploymentPlan.baseTokenUri(settings.metadataBaseUrl(), token.collectionId()) + token.tokenId();
  }

  /** A minted token (confirmed on chain: the follower writes no other). */
  @Transactional(readOnly = true)
  public Optional<Token> find(UUID collectionId, long tokenId) {
    return tokens.find(collectionId, tokenId);
  }

  /**
   * A page of a published collection's tokens by token id; empty for a collection without a
   * confirmed publication (nothing of it is public, and it has no tokens).
   */
  @Transactional(readOnly = true)
  public Optional<TokenPage> page(UUID collectionId, long offset, int limit) {
    return publications.find(collectionId)
        .filter(p -> p.status() == PublicationStatus.CONFIRMED)
        .map(p -> new TokenPage(tokens.page(collectionId, offset, limit), tokens.count(collectionId)));
  }

  /** @param total tokens of the collection */
  public record TokenPage(List<Token> tokens, long total) {}
}
