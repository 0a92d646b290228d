package io.emprops.credits.config;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * @param startingGrant credits a new user receives, once, when their account is first touched
 */
@ConfigurationProperties("emprops.credits")
public record CreditsProperties(Long startingGrant) {

  public CreditsProperties {
    startingGrant = startingGrant == null ? 100L : startingGrant;
    if (startingGrant < 0) {
      throw new IllegalArgumentException("emprops.credits.starting-grant must not be negative");
    }
  }
}
