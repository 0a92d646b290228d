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

  private SharedInfrastructure() {}

  public static Infrastructure get() {
    Infrastructure i = instance;
    if (i == null) {
      synchronized (SharedInfrastructure.class) {
        i = instance;
        if (i == null) {
          StackLayout layout = StackLayout.forTests();
          i = new Infrastructure(layout, Secrets.ephemeral());
          Infrastructure started = i;
          Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            started.close();
            layout.wipeData();
            layout.dataDirectory().toFile().delete();
          }, "test-infrastructure-shutdown"));
          instance = i;
        }
      }
    }
    return i;
  }
}
