package io.emprops.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/** {@code emprops.gateway.services.<name>}: one URI or a list, bound as the application binds it. */
class ServicesPropertiesTest {

  private static final List<String> NAMES =
      List.of("collections", "credits", "generator", "publishing", "storage", "webhooks");

  @Test
  void aServiceTakesOneUriOrACommaSeparatedList() {
    Map<String, String> properties = everyService("http://127.0.0.1:8081");
    properties.put("emprops.gateway.services.generator",
        "http://127.0.0.1:8083, http://127.0.0.1:8183,https://generator-3");

    GatewayProperties.Services services = bind(properties);

    assertThat(services.collections()).containsExactly(URI.create("http://127.0.0.1:8081"));
    assertThat(services.generator()).containsExactly(
        URI.create("http://127.0.0.1:8083"), URI.create("http://127.0.0.1:8183"), URI.create("https://generator-3"));
  }

  @Test
  void aUriThatIsNotAbsoluteHttpFailsNamingTheProperty() {
    for (String bad : List.of("storage-service:8085", "/storage", "ftp://storage", "http://127.0.0.1:8085,")) {
      Map<String, String> properties = everyService("http://127.0.0.1:8081");
      properties.put("emprops.gateway.services.storage", bad);

      assertThatThrownBy(() -> bind(properties))
          .as(bad)
          .rootCause()
          .hasMessageStartingWith("emprops.gateway.services.storage");
    }
  }

  @Test
  void aMissingServiceFailsNamingTheProperty() {
    Map<String, String> properties = everyService("http://127.0.0.1:8081");
    properties.remove("emprops.gateway.services.webhooks");

    assertThatThrownBy(() -> bind(properties))
        .rootCause()
        .hasMessage("emprops.gateway.services.webhooks must be set: one URI or a comma-separated list");
  }

  private static Map<String, String> everyService(String uri) {
    Map<String, String> properties = new HashMap<>();
    NAMES.forEach(name -> properties.put("emprops.gateway.services." + name, uri));
    return properties;
  }

  private static GatewayProperties.Services bind(Map<String, String> properties) {
    return new Binder(new MapConfigurationPropertySource(properties))
        .bind("emprops.gateway.services", GatewayProperties.Services.class)
        .get();
  }
}
