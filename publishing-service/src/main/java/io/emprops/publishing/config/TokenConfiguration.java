package io.emprops.publishing.config;

import io.emprops.publishing.domain.token.TokenSettings;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The token read model's settings; the metadata base URL is the one the contracts' {@code tokenURI} uses. */
@Configuration(proxyBeanMethods = false)
public class TokenConfiguration {

  @Bean
  TokenSettings tokenSettings(PublishingProperties publishing, TokenProperties tokens) {
    return new TokenSettings(publishing.metadataBaseUrl(), publishing.externalBaseUrl(), tokens.placeholderImageUrl());
  }
}
