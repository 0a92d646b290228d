package io.emprops.publishing.domain.token;

import java.net.URI;

/**
 * How tokens are presented, from configuration.
 *
 * @param metadataBaseUrl public base of {@code /metadata/…} (the contracts' {@code tokenURI} base)
 * @param externalBaseUrl where people see a collection ({@code <base>/collections/<id>})
 * @param placeholderImageUrl the image of a token whose own image is not made (yet); null: the
 *     collection's cover image
 */
public record TokenSettings(URI metadataBaseUrl, URI externalBaseUrl, URI placeholderImageUrl) {}
