package io.emprops.generator.domain.fetch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class FetchApiPropertiesTest {

  @Test
  void unsetPropertiesTakeTheirDefaults() {
    var properties = new FetchApiProperties(null, null, 0, false);

    assertThat(properties.allowedHosts()).as("every fetch refused").isEmpty();
    assertThat(properties.timeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(properties.maxResponseBytes()).isEqualTo(5 * 1024 * 1024);
    assertThat(properties.allowPrivateAddresses()).isFalse();
  }

  @Test
  void refusesNonsensicalLimits() {
    assertThatIllegalArgumentException().isThrownBy(() -> new FetchApiProperties(null, Duration.ZERO, 0, false))
        .withMessageContaining("emprops.generator.fetch.timeout");
    assertThatIllegalArgumentException().isThrownBy(() -> new FetchApiProperties(null, null, -1, false))
        .withMessageContaining("emprops.generator.fetch.max-response-bytes");
  }
}
