package io.emprops.publishing.domain.mint;

/** What the chain follower tells the rest of the suite; published with the change that caused it. */
public interface MintNotifications {

  /** A token row was created for a confirmed mint, in the caller's transaction. */
  void minted(MintedToken token);
}
