package io.emprops.events.contract;

/** Chains a collection can be published on (API: {@code blockchain}). */
public enum Blockchain {
  ETHEREUM,
  BASE,
  TEZOS
}
