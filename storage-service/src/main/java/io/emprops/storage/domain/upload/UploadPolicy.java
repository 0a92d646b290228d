package io.emprops.storage.domain.upload;

import io.emprops.storage.domain.content.MediaTypePolicy;

/**
 * @param maxBytes the largest file accepted
 * @param types the sniffed types accepted
 */
public record UploadPolicy(long maxBytes, MediaTypePolicy types) {}
