package io.emprops.publishing.api;

import io.emprops.publishing.domain.chains.Chains;
import io.emprops.web.api.ApiResponse;
import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /chains}: every blockchain and the networks configured for it (API.md, "Publishing"). */
@RestController
public class ChainsController {

  private final Chains chains;

  public ChainsController(Chains chains) {
    this.chains = chains;
  }

  /** @return entries {@code {blockchain, network, chain_id, enabled, confirmations, reason}} */
  @GetMapping("/chains")
  public ApiResponse<List<Chains.ChainEntry>> chains() {
    return ApiResponse.ok(chains.entries());
  }
}
