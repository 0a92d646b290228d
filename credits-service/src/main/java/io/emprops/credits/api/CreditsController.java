package io.emprops.credits.api;

import io.emprops.credits.domain.Balance;
import io.emprops.credits.domain.CreditAccounts;
import io.emprops.credits.domain.GrantReceipt;
import io.emprops.credits.domain.LedgerEntry;
import io.emprops.credits.domain.LedgerKind;
import io.emprops.credits.persistence.LedgerRepository;
import io.emprops.web.api.ApiException;
import io.emprops.web.api.ApiResponse;
import io.emprops.web.api.IdempotencyKey;
import io.emprops.web.api.PageResponse;
import io.emprops.web.identity.CallerIdentity;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import java.time.Instant;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.validation.annotation.Validated;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.bind.annotation.ResponseStatus;

/** {@code /credits}: the caller's balance and ledger, and admin grants (API.md, "Credits"). */
@RestController
@RequestMapping("/credits")
@Validated
public class CreditsController {

  static final int MAX_PAGE_SIZE = 100;

  private final CreditAccounts accounts;
  private final LedgerRepository ledger;

  public CreditsController(CreditAccounts accounts, LedgerRepository ledger) {
    this.accounts = accounts;
    this.ledger = ledger;
  }

  @GetMapping("/balance")
  public ApiResponse<Balance> balance(CallerIdentity caller) {
    return ApiResponse.ok(accounts.balance(caller.requireUserId()));
  }

  @GetMapping("/history")
  public ApiResponse<PageResponse<LedgerEntryView>> history(
      CallerIdentity caller,
      @RequestParam(defaultValue = "1") @Min(1) int page,
      @RequestParam(defaultValue = "20") @Min(1) @Max(MAX_PAGE_SIZE) int size) {
    String userId = caller.requireUserId();
    accounts.open(userId);
    long offset = (long) (page - 1) * size;
    if (offset > Integer.MAX_VALUE) {
      throw ApiException.invalid("page", "is too large");
    }
    var entries = ledger.page(userId, (int) offset, size).stream().map(LedgerEntryView::of).toList();
    return ApiResponse.ok(PageResponse.of(entries, page, size, ledger.count(userId)));
  }

  /**
   * Admin grant. An {@code Idempotency-Key} makes a retried request return the first grant's
   * receipt without crediting again; reusing a key for a different grant is a 409.
   */
  @PostMapping("/grants")
  @ResponseStatus(HttpStatus.CREATED)
  public ResponseEntity<ApiResponse<GrantView>> grant(
      CallerIdentity caller,
      @Valid @RequestBody GrantRequest request,
      @RequestHeader(name = IdempotencyKey.HEADER, required = false) @IdempotencyKey String idempotencyKey) {
    caller.requireRole(CallerIdentity.ADMIN_ROLE);
    String key = idempotencyKey == null ? UUID.randomUUID().toString() : "idem:" + idempotencyKey;
    return accounts.grant(request.userId(), request.amount(), request.reason(), key)
        .map(receipt -> ResponseEntity.status(HttpStatus.CREATED).body(ApiResponse.ok(GrantView.of(receipt))))
        .orElseGet(() -> ResponseEntity.ok(ApiResponse.ok(repeatedGrant(key, request))));
  }

  private GrantView repeatedGrant(String key, GrantRequest request) {
    LedgerEntry first = ledger.find("grant:" + key, LedgerKind.GRANT).orElseThrow();
    String owner = ledger.ownerOf("grant:" + key, LedgerKind.GRANT).orElseThrow();
    if (!owner.equals(request.userId()) || first.amount() != request.amount()
        || !first.description().equals(request.reason())) {
      throw ApiException.conflict("Idempotency-Key was already used for a different grant");
    }
    return new GrantView(first.id(), owner, first.amount(), first.description(), null, first.createdAt());
  }

  public record GrantRequest(
      @NotBlank @Size(max = 200) String userId,
      @Min(1) @Max(1_000_000_000) long amount,
      @NotBlank @Size(max = 500) String reason) {}

  /** @param balance the account after the grant; null when answering a repeated request */
  public record GrantView(UUID id, String userId, long amount, String reason, Long balance, Instant createdAt) {
    static GrantView of(GrantReceipt receipt) {
      return new GrantView(receipt.id(), receipt.userId(), receipt.amount(), receipt.reason(),
          receipt.balance().balance(), receipt.createdAt());
    }
  }

  public record LedgerEntryView(UUID id, long amount, String kind, String reference, String description, Instant createdAt) {
    static LedgerEntryView of(LedgerEntry e) {
      return new LedgerEntryView(e.id(), e.amount(), e.kind().wireName(), e.reference(), e.description(), e.createdAt());
    }
  }
}
