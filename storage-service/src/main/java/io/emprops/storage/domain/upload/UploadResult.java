package io.emprops.storage.domain.upload;

import io.emprops.storage.domain.asset.StoredAsset;

/**
 * @param created false when the user had this content already: {@code stored} is that asset
 */
public record UploadResult(StoredAsset stored, boolean created) {}
