package io.emprops.publishing.api;

import io.emprops.publishing.domain.token.Token;
import io.emprops.publishing.domain.token.Tokens;
import io.emprops.web.api.ApiException;
import io.emprops.web.api.ApiResponse;
import io.emprops.web.api.PageResponse;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.util.UUID;
import org.springframework.validation.annotation.Validated;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /collections/{id}/tokens} (API.md, "Publishing"): a published collection's minted
 * tokens, by token id. Public, like the token metadata: every field is a fact on chain (owner, hash,
 * transaction) or what the public metadata shows (status, image).
 */
@RestController
@Validated
public class TokensController {

  static final int MAX_PAGE_SIZE = 100;

  private final Tokens tokens;

  public TokensController(Tokens tokens) {
    this.tokens = tokens;
  }

  /** 404 for a collection without a confirmed publication; a published one without tokens has an empty page. */
  @GetMapping("/collections/{collectionId}/tokens")
  public ApiResponse<PageResponse<TokenView>> tokens(
      @PathVariable UUID collectionId,
      @RequestParam(defaultValue = "1") @Min(1) @Max(1_000_000) int page,
      @RequestParam(defaultValue = "20") @Min(1) @Max(MAX_PAGE_SIZE) int size) {
    Tokens.TokenPage found = tokens.page(collectionId, (long) (page - 1) * size, size)
        .orElseThrow(() -> ApiException.notFound("Published collection"));
    return ApiResponse.ok(PageResponse.of(found.tokens().stream()
        .map(t -> TokenView.of(t, tokens.metadataUrl(t))).toList(), page, size, found.total()));
  }

  /**
   * @param hash the token hash fixed at mint
   * @param imageUrl the stored image, once ready
   * @param metadataUrl the token's {@code tokenURI}
   */
  public record TokenView(long tokenId, String owner, String hash, String txHash, long blockNumber, String status,
      String imageUrl, String metadataUrl) {

    static TokenView of(Token t, String metadataUrl) {
      return new TokenView(t.tokenId(), t.owner(), t.hash(), t.txHash(), t.blockNumber(), t.status().wireName(),
          t.imageUrl(), metadataUrl);
    }
  }
}
