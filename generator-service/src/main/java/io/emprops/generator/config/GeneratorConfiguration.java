package io.emprops.generator.config;

import io.emprops.generator.domain.model.ModelCredentials;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.EnableScheduling;

@Configuration(proxyBeanMethods = false)
@EnableScheduling
public class GeneratorConfiguration {

  /** Refuses to start without a valid key: credentials are never stored unencrypted. */
  @Bean
  ModelCredentials modelCredentials(GeneratorProperties properties) {
    return new ModelCredentials(properties.credentialsKey());
  }
}
