package io.emprops.credits.domain;

import io.emprops.credits.config.CreditsProperties;
import io.emprops.credits.persistence.AccountRepository;
import io.emprops.credits.persistence.LedgerRepository;
import io.emprops.credits.persistence.ReservationRepository;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * The credit rules. Every method is one transaction; every money movement writes a ledger entry
 * whose {@code (reference, kind)} is unique, so repeating a call (a redelivered event, a retried
 * request) changes nothing the second time.
 */
@Service
@Transactional
public class CreditAccounts {

  private static final Logger log = LoggerFactory.getLogger(CreditAccounts.class);

  private final AccountRepository accounts;
  private final LedgerRepository ledger;
  private final ReservationRepository reservations;
  private final CreditsProperties properties;
  private final CreditMetrics metrics;
  private final CreditNotifications notifications;

  public CreditAccounts(AccountRepository accounts, LedgerRepository ledger,
      ReservationRepository reservations, CreditsProperties properties, CreditMetrics metrics,
      CreditNotifications notifications) {
    this.accounts = accounts;
    this.ledger = ledger;
    this.reservations = reservations;
    this.properties = properties;
    this.metrics = metrics;
    this.notifications = notifications;
  }

  /**
   * Opens the account on first contact with its starting grant. Exactly once even when the first
   * requests race: the losing INSERT waits for the winner's commit and then creates nothing.
   *
   * @return the starting grant made by this call, if it made one
   */
  public Optional<GrantReceipt> open(String userId) {
    if (!accounts.createIfAbsent(userId) || properties.startingGrant() == 0) {
      return Optional.empty();
    }
    return credit(userId, properties.startingGrant(), LedgerKind.GRANT, "starting-grant:" + userId, "Welcome grant");
  }

  public Balance balance(String userId) {
    open(userId);
    return accounts.find(userId).orElseThrow();
  }

  /**
   * Adds credits. {@code grantKey} identifies the grant: the same key never credits twice.
   *
   * @return the receipt, or empty when the key was already used (for the same or another user)
   */
  public Optional<GrantReceipt> grant(String userId, long amount, String reason, String grantKey) {
    open(userId);
    return credit(userId, amount, LedgerKind.GRANT, "grant:" + grantKey, reason);
  }

  /** Writes the entry and moves the money, or does nothing when the entry exists already. */
  private Optional<GrantReceipt> credit(
      String userId, long amount, LedgerKind kind, String reference, String description) {
    if (!ledger.append(userId, amount, kind, reference, description)) {
      return Optional.empty();
    }
    metrics.ledgerWrite(kind);
    Balance balance = accounts.addToBalance(userId, amount);
    LedgerEntry entry = ledger.find(reference, kind).orElseThrow();
    GrantReceipt receipt = new GrantReceipt(entry.id(), userId, amount, description, balance, entry.createdAt());
    notifications.granted(receipt);
    return Optional.of(receipt);
  }

  /**
   * Holds {@code amount} for a job if that much is available. A job gets one decision: asking
   * again returns {@code DUPLICATE}; asking after its terminal event arrived returns {@code TOO_LATE}.
   */
  public ReservationDecision reserve(UUID jobId, String userId, long amount) {
    open(userId);
    if (!reservations.claim(jobId, userId, amount, "active")) {
      Reservation existing = reservations.find(jobId).orElseThrow();
      ReservationOutcome outcome = "closed".equals(existing.status())
          ? ReservationOutcome.TOO_LATE : ReservationOutcome.DUPLICATE;
      metrics.reservation(outcome);
      // Re-announce the standing decision: the requester may have missed the first answer.
      return announced(new ReservationDecision(outcome, existing, accounts.find(userId).orElseThrow()));
    }
    Optional<Balance> held = accounts.hold(userId, amount);
    if (held.isEmpty()) {
      reservations.reject(jobId);
      metrics.reservation(ReservationOutcome.REJECTED);
      return announced(new ReservationDecision(ReservationOutcome.REJECTED,
          reservations.find(jobId).orElseThrow(), accounts.find(userId).orElseThrow()));
    }
    ledger.append(userId, -amount, LedgerKind.RESERVE, jobReference(jobId), "Reserved for generation " + jobId);
    metrics.ledgerWrite(LedgerKind.RESERVE);
    metrics.reservation(ReservationOutcome.RESERVED);
    return announced(new ReservationDecision(ReservationOutcome.RESERVED, reservations.find(jobId).orElseThrow(),
        held.get()));
  }

  private ReservationDecision announced(ReservationDecision decision) {
    notifications.decided(decision);
    return decision;
  }

  /**
   * Ends a job's hold: {@code spent} is charged (never more than was held), the hold is released.
   * Only the first settlement of a job counts; a settlement for a job never reserved closes it so a
   * late reservation request cannot take credits. A token's generation that spent nothing, which
   * credits never reserve for ({@link #isPaidByMint}), is skipped: nothing changes.
   */
  public Settlement settle(UUID jobId, String userId, long spent, String outcome) {
    Optional<Reservation> locked = reservations.lock(jobId);
    if (locked.isEmpty() && spent == 0 && isPaidByMint(jobId)) {
      // A minted token's generation: the mint paid for it, no credits were ever asked for and no
      // reservation request will ever come. Nothing to settle, nothing to close: no account is
      // opened, no ledger entry written.
      log.debug("Job {} ended ({}): a token's generation, paid by its mint; no credits involved", jobId, outcome);
      return Settlement.nothingHeld(jobId, accounts.find(userId).orElse(null));
    }
    if (locked.isEmpty()) {
      open(userId);
      if (reservations.claim(jobId, userId, 0, "closed")) {
        log.warn("Job {} ended ({}) before its credits were reserved; nothing to settle", jobId, outcome);
        return Settlement.nothingHeld(jobId, accounts.find(userId).orElseThrow());
      }
      locked = reservations.lock(jobId);
    }
    Reservation reservation = locked.orElseThrow();
    if (!reservation.isActive()) {
      return Settlement.nothingHeld(jobId, accounts.find(reservation.userId()).orElseThrow());
    }
    long charged = Math.min(Math.max(spent, 0), reservation.amount());
    if (charged != spent) {
      log.warn("Job {} reports {} credits spent of {} reserved; charging {}", jobId, spent, reservation.amount(), charged);
    }
    String reference = jobReference(jobId);
    if (charged > 0) {
      ledger.append(reservation.userId(), -charged, LedgerKind.CHARGE, reference, "Generation " + jobId + " " + outcome);
      metrics.ledgerWrite(LedgerKind.CHARGE);
    }
    ledger.append(reservation.userId(), reservation.amount(), LedgerKind.RELEASE, reference,
        "Hold of generation " + jobId + " released");
    metrics.ledgerWrite(LedgerKind.RELEASE);
    Balance balance = accounts.settle(reservation.userId(), reservation.amount(), charged);
    reservations.settle(jobId, charged, outcome);
    Settlement settlement =
        new Settlement(jobId, reservation.userId(), charged, reservation.amount() - charged, balance, true);
    notifications.settled(settlement);
    return settlement;
  }

  /**
   * Whether the job is a minted token's generation, which the mint pays for and credits never
   * reserve for. The generator draws the id of a generation it was asked for at random (a version 4
   * UUID, and so the id of a retry); the id of a token's generation is name-based (version 3):
   * {@code TokenMinted.generationJobIdOf(collection, token, hash)}, and for its retry one derived from
   * the failed job's.
   */
  static boolean isPaidByMint(UUID jobId) {
    return jobId.version() == 3;
  }

  static String jobReference(UUID jobId) {
    return "job:" + jobId;
  }
}
