package io.emprops.webhooks.support;

import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;

@TestConfiguration(proxyBeanMethods = false)
public class TestDnsConfiguration {

  @Bean
  @Primary
  TestDns testDns() {
    return new TestDns();
  }

  /** The service's clock, which a test may move forward (and must reset). */
  @Bean
  @Primary
  io.emprops.web.testing.AdjustableClock adjustableClock() {
    return new io.emprops.web.testing.AdjustableClock();
  }
}
