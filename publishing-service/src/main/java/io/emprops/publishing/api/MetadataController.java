package io.emprops.publishing.api;

import io.emprops.publishing.domain.metadata.CollectionMetadata;
import io.emprops.publishing.domain.metadata.ContractMetadata;
import io.emprops.web.api.ApiException;
import java.time.Duration;
import java.util.UUID;
import org.springframework.http.CacheControl;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /metadata/{collectionId}/contract}: what the contract's {@code contractURI} points at.
 * Public (the gateway lets anyone through); plain JSON as marketplaces read it, not the envelope.
 */
@RestController
public class MetadataController {

  private final CollectionMetadata metadata;

  public MetadataController(CollectionMetadata metadata) {
    this.metadata = metadata;
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
}
