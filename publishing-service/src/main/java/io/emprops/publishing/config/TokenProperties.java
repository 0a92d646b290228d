package io.emprops.publishing.config;

import java.net.URI;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code emprops.publishing.tokens.*}: how minted tokens are presented.
 *
 * @param placeholderImageUrl the {@code image} of a token's metadata until its own image is stored
 *     (or when its generation failed); unset: the collection's cover image
 */
@ConfigurationProperties("emprops.publishing.tokens")
public record TokenProperties(URI placeholderImageUrl) {}
