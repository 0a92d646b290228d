package io.emprops.publishing.domain.token;

/** What the token read model tells the rest of the suite; published with the change that caused it. */
public interface TokenNotifications {

  /** The token's image is stored and its metadata final ({@code TokenReady}). */
  void ready(Token token, String metadataUrl);
}
