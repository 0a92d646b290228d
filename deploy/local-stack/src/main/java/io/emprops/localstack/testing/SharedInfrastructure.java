package io.emprops.localstack.testing;

import io.emprops.localstack.infra.Infrastructure;
import io.emprops.localstack.infra.Secrets;
import io.emprops.localstack.infra.StackLayout;

/**
 * The infrastructure of one test JVM: started lazily, component by component, on first use,
 * shared by every test class in the JVM, stopped when the JVM exits. Test classes isolate
 * themselves by schema, topic or key prefix where they need to.
 */
public final class SharedInfrastructure {

  private static volatile Infrastructure instance;
  /** What uses the infrastructure and must stop before it (Spring test contexts), newest last. */
  private static final java.util.Deque<AutoCloseable> dependents = new java.util.concurrent.ConcurrentLinkedDeque<>();

  private SharedInfrastructure() {}

  static boolean isStarted() {
    return instance != null;
  }

  /**
   * Registers something to close before the infrastructure stops. Stopping servers under a live
   * application makes its Kafka and database clients wait out their timeouts on the way down.
   */
  public static void registerDependent(AutoCloseable dependent) {
    dependents.add(dependent);
  }

  /** Closes the dependents (newest first), then stops every component and deletes the data; idempotent. */
  static synchronized void stop() {
    for (AutoCloseable dependent; (dependent = dependents.pollLast()) != null; ) {
      try {
        dependent.close();
      } catch (Exception e) {
        System.err.println("test infrastructure: a dependent did not close cleanly: " + e);
      }
    }
    Infrastructure i = instance;
    if (i != null) {
      i.close();
      i.layout().wipeData();
      i.layout().dataDirectory().toFile().delete();
    }
  }

  public static Infrastructure get() {
    Infrastructure i = instance;
    if (i == null) {
      synchronized (SharedInfrastructure.class) {
        i = instance;
        if (i == null) {
          StackLayout layout = StackLayout.forTests();
          i = new Infrastructure(layout, Secrets.ephemeral());
          // Normally stopped by InfrastructureSessionListener; the hook covers other launchers.
          Runtime.getRuntime().addShutdownHook(new Thread(SharedInfrastructure::stop, "test-infrastructure-shutdown"));
          instance = i;
        }
      }
    }
    return i;
  }
}
