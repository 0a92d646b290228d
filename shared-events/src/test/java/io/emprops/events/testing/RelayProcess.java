package io.emprops.events.testing;

import io.emprops.events.relay.OutboxRelay;
import io.emprops.events.relay.RelaySettings;
import io.emprops.events.relay.RelayState;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * A relay in a JVM of its own, as a service instance would run it, so that tests can kill it
 * with {@code kill -9}. Arguments: service, schema, JDBC URL, user, password, Kafka bootstrap
 * servers, topic namespace. Prints {@code relay-state <STATE>} on every state change; stops
 * cleanly on SIGTERM.
 */
public final class RelayProcess {

  public static final String STATE_LINE = "relay-state ";

  private RelayProcess() {}

  public static void main(String[] args) throws InterruptedException {
    if (args.length != 7) {
      throw new IllegalArgumentException("usage: service schema jdbcUrl user password bootstrapServers namespace");
    }
    RelaySettings settings = TestRelays.settings(args[0], args[1], args[2], args[3], args[4], args[5], args[6]).build();
    OutboxRelay relay = new OutboxRelay(settings, new SimpleMeterRegistry());
    Runtime.getRuntime().addShutdownHook(new Thread(relay::stop, "relay-process-shutdown"));
    relay.start();
    RelayState reported = null;
    while (true) {
      RelayState state = relay.state();
      if (state != reported) {
        System.out.println(STATE_LINE + state);
        System.out.flush();
        reported = state;
      }
      Thread.sleep(20);
    }
  }
}
