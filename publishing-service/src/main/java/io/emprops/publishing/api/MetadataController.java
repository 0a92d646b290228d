package io.emprops.publishing.api;

import io.emprops.publishing.domain.metadata.CollectionMetadata;
import io.emprops.publishing.domain.metadata.ContractMetadata;
import io.emprops.publishing.domain.metadata.MintedTokenMetadata;
import io.emprops.publishing.domain.metadata.TokenMetadata;
import io.emprops.web.api.ApiException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.UUID;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code GET /metadata/{collectionId}/contract}: what the contract's {@code contractURI} points at;
 * {@code GET /metadata/{collectionId}/{tokenId}}: what its {@code tokenURI} points at. Public (the
 * gateway lets anyone through); plain JSON as marketplaces read it, not the envelope.
 */
@RestController
public class MetadataController {

  private final CollectionMetadata metadata;
  private final MintedTokenMetadata tokens;
  private final JsonMapper json;

  public MetadataController(CollectionMetadata metadata, MintedTokenMetadata tokens, JsonMapper json) {
    this.metadata = metadata;
    this.tokens = tokens;
    this.json = json;
  }

  @GetMapping("/metadata/{collectionId}/contract")
  public ResponseEntity<ContractMetadata> contract(@PathVariable UUID collectionId) {
    CollectionMetadata.Contract contract = metadata.contract(collectionId)
        .orElseThrow(() -> ApiException.notFound("Collection metadata"));
    // Final once confirmed: a CDN may keep it for a day; before, briefly.
    CacheControl cache = contract.fin()
        ? CacheControl.maxAge(Duration.ofDays(1)).cachePublic()
        : CacheControl.maxAge(Duration.ofSeconds(30)).cachePublic();
    return ResponseEntity.ok().cacheControl(cache).body(contract.metadata());
  }

  /**
   * 404 for a token not minted or not confirmed yet. With an {@code ETag} of the content: a reader
   * that sends it back in {@code If-None-Match} gets a 304 while nothing changed.
   */
  @GetMapping("/metadata/{collectionId}/{tokenId}")
  public ResponseEntity<TokenMetadata> token(@PathVariable UUID collectionId, @PathVariable long tokenId,
      @RequestHeader(name = HttpHeaders.IF_NONE_MATCH, required = false) String ifNoneMatch) {
    MintedTokenMetadata.Result token = tokens.of(collectionId, tokenId)
        .orElseThrow(() -> ApiException.notFound("Token metadata"));
    // Ready: the image is stored for good, but not immutable — the metadata is built from the
    // published collection (title, description) and this service's configuration, which may still
    // be corrected — so a day, like the contract's. Before: briefly, as the image is on its way and
    // marketplaces should come back for it.
    CacheControl cache = token.fin()
        ? CacheControl.maxAge(Duration.ofDays(1)).cachePublic()
        : CacheControl.maxAge(Duration.ofSeconds(30)).cachePublic();
    String etag = etag(token.metadata());
    if (ifNoneMatch != null && matches(ifNoneMatch, etag)) {
      return ResponseEntity.status(HttpStatus.NOT_MODIFIED).cacheControl(cache).eTag(etag).build();
    }
    return ResponseEntity.ok().cacheControl(cache).eTag(etag).body(token.metadata());
  }

  private String etag(TokenMetadata metadata) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(json.writeValueAsBytes(metadata));
      return "\"" + HexFormat.of().formatHex(digest, 0, 16) + "\"";
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** {@code If-None-Match}: {@code *} or a list of tags, weak ones compared weakly (RFC 9110). */
  private static boolean matches(String ifNoneMatch, String etag) {
    return Arrays.stream(ifNoneMatch.split(",")).map(String::strip)
        .map(tag -> tag.startsWith("W/") ? tag.substring(2) : tag)
        .anyMatch(tag -> tag.equals("*") || tag.equals(etag));
  }
}
