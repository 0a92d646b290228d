package io.emprops.gateway.support;

import io.emprops.web.testing.AdjustableClock;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;

/** The gateway's clock in tests: a test may freeze or move it (and must reset it). */
@TestConfiguration(proxyBeanMethods = false)
public class AdjustableClockConfiguration {

  @Bean
  @Primary
  AdjustableClock adjustableClock() {
    return new AdjustableClock();
  }
}
