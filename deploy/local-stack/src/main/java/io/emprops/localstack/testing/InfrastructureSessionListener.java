package io.emprops.localstack.testing;

import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * Stops the test JVM's infrastructure when the JUnit session ends, after the Spring test contexts
 * that use it (registered as its dependents). Left to JVM shutdown hooks, both would stop at
 * once, and Kafka consumers and relays closing against a broker already gone wait out their
 * timeouts.
 * Registered in META-INF/services.
 */
public class InfrastructureSessionListener implements LauncherSessionListener {

  @Override
  public void launcherSessionClosed(LauncherSession session) {
    if (SharedInfrastructure.isStarted()) {
      SharedInfrastructure.stop();
    }
  }
}
