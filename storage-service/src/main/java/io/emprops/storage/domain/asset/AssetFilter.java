package io.emprops.storage.domain.asset;

import java.util.UUID;

/** Narrows a listing of the caller's assets; null fields do not filter. */
public record AssetFilter(UUID collectionId, UUID jobId) {}
