package io.emprops.collections.domain;

import io.emprops.collections.persistence.GeneratedAssetRepository;
import io.emprops.collections.persistence.GenerationInputRepository;
import java.util.Optional;
import java.util.UUID;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Where generated assets came from: the job, generation and step each is the output of (storage's
 * AssetStored) and what that generation ran with (the generator's GenerationStepCompleted). The two
 * arrive on different topics in no particular order; each is recorded on its own, idempotently, and
 * only for collections this service knows.
 */
@Service
@Transactional
public class AssetOrigins {

  private final GeneratedAssetRepository assets;
  private final GenerationInputRepository inputs;

  public AssetOrigins(GeneratedAssetRepository assets, GenerationInputRepository inputs) {
    this.assets = assets;
    this.inputs = inputs;
  }

  /** @return whether the asset was recorded now */
  public boolean recordAsset(GeneratedAsset asset) {
    return assets.record(asset);
  }

  /** @return whether an asset was removed now */
  public boolean forgetAsset(UUID assetId) {
    return assets.forget(assetId);
  }

  /** @return whether the input was recorded now (false for every step after a generation's first) */
  public boolean recordInput(GenerationInput input) {
    return inputs.record(input);
  }

  @Transactional(readOnly = true)
  public Optional<GeneratedAsset> asset(UUID assetId) {
    return assets.find(assetId);
  }

  @Transactional(readOnly = true)
  public Optional<GenerationInput> inputOf(GeneratedAsset asset) {
    return inputs.find(asset.jobId(), asset.generation());
  }
}
