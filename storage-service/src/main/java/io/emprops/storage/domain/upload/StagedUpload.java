package io.emprops.storage.domain.upload;

import java.util.UUID;

/** An upload whose object is stored but which has no asset row yet ({@link Uploads#commit} or {@link Uploads#discard}). */
public record StagedUpload(
    UUID assetId, String userId, String objectKey, String fileName, String mimeType, long size, String sha256) {}
