package io.emprops.gateway.input;

import io.emprops.web.input.StrictJson;
import org.springframework.boot.jackson.autoconfigure.JsonMapperBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The gateway's own JSON endpoints (API keys) bind request bodies by the services' rule. */
@Configuration(proxyBeanMethods = false)
public class StrictJsonConfiguration {

  @Bean
  JsonMapperBuilderCustomizer strictJsonInput() {
    return StrictJson::apply;
  }
}
