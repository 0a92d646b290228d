package io.emprops.localstack.testing;

import io.emprops.localstack.launcher.App;
import io.emprops.localstack.launcher.AppProperties;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.annotation.MergedAnnotations;
import org.springframework.core.annotation.MergedAnnotations.SearchStrategy;
import org.springframework.core.env.MapPropertySource;
import org.springframework.test.context.ContextConfigurationAttributes;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.ContextCustomizerFactory;
import org.springframework.test.context.MergedContextConfiguration;

/** Backs {@link EmbeddedInfrastructure}; registered in META-INF/spring.factories. */
public class EmbeddedInfrastructureContextCustomizerFactory implements ContextCustomizerFactory {

  @Override
  public ContextCustomizer createContextCustomizer(
      Class<?> testClass, List<ContextConfigurationAttributes> configAttributes) {
    return MergedAnnotations.from(testClass, SearchStrategy.TYPE_HIERARCHY)
        .get(EmbeddedInfrastructure.class)
        .synthesize(a -> a.isPresent())
        .map(a -> new Customizer(App.byName(a.app()).orElseThrow(
            () -> new IllegalArgumentException("@EmbeddedInfrastructure: no application " + a.app()))))
        .orElse(null);
  }

  /** A record, so that equal configurations share one cached Spring context. */
  record Customizer(App app) implements ContextCustomizer {

    private static final String INLINED_TEST_PROPERTIES = "Inlined Test Properties";

    @Override
    public void customizeContext(ConfigurableApplicationContext context, MergedContextConfiguration config) {
      Map<String, Object> properties = new HashMap<>(AppProperties.forApp(app, SharedInfrastructure.get()));
      SharedInfrastructure.registerDependent(context);
      // The test framework chooses the port (RANDOM_PORT / MOCK), not the stack layout.
      properties.remove("server.port");
      // Above the application's own configuration, below what the test itself declares.
      var sources = context.getEnvironment().getPropertySources();
      var source = new MapPropertySource("embedded-infrastructure", properties);
      if (sources.contains(INLINED_TEST_PROPERTIES)) {
        sources.addAfter(INLINED_TEST_PROPERTIES, source);
      } else {
        sources.addFirst(source);
      }
    }
  }
}
