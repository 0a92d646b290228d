package io.emprops.localstack.testing;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Runs a Spring test context against the JVM's {@link SharedInfrastructure}, configured exactly
 * as the local stack configures the application (same property names, same provisioning).
 *
 * <pre>{@code
 * @SpringBootTest(webEnvironment = RANDOM_PORT)
 * @EmbeddedInfrastructure(app = "credits-service")
 * class CreditsApiTest { ... }
 * }</pre>
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
public @interface EmbeddedInfrastructure {

  /** The application (module name) whose configuration the context gets. */
  String app();
}
