package io.emprops.publishing.domain.chains;

import java.util.List;

/** Tells the suite which blockchains can be published (collections refuses the others up front). */
public interface ChainNotifications {

  void announced(List<Chains.Availability> availability);
}
