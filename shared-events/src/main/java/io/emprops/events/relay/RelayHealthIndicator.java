package io.emprops.events.relay;

import java.util.Locale;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * DOWN only when this instance's engine died and has not recovered yet. A standby is UP (another
 * instance relays), and so is a leader that lags: lag is a metric, not a health problem.
 */
public class RelayHealthIndicator implements HealthIndicator {

  private final OutboxRelay relay;

  public RelayHealthIndicator(OutboxRelay relay) {
    this.relay = relay;
  }

  @Override
  public Health health() {
    RelayState state = relay.state();
    Health.Builder health = switch (state) {
      case STANDBY, STARTING, RELAYING, EXTERNAL -> Health.up();
      case FAILED -> Health.down();
      case STOPPED -> Health.outOfService();
    };
    health.withDetail("state", state.name().toLowerCase(Locale.ROOT))
        .withDetail("slot", relay.settings().slotName())
        .withDetail("mode", relay.settings().mode().name().toLowerCase(Locale.ROOT).replace('_', '-'));
    relay.lastFailure().ifPresent(failure -> health.withDetail("lastFailure", failure));
    return health.build();
  }
}
