package io.emprops.publishing.domain.chains;

import io.emprops.events.contract.Blockchain;
import java.util.Arrays;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * Announces, when the service is ready, what each blockchain's publications can expect from this
 * configuration. Every instance announces on every start; consumers keep the latest.
 */
@Component
public class ChainAnnouncer {

  private final Chains chains;
  private final ChainNotifications notifications;

  public ChainAnnouncer(Chains chains, ChainNotifications notifications) {
    this.chains = chains;
    this.notifications = notifications;
  }

  @EventListener(ApplicationReadyEvent.class)
  @Transactional
  public void announce() {
    notifications.announced(Arrays.stream(Blockchain.values()).map(chains::availability).toList());
  }
}
