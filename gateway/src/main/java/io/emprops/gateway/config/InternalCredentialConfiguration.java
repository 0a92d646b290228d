package io.emprops.gateway.config;

import io.emprops.web.identity.InternalCredential;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The secret shared with the services; the gateway refuses to start without a strong one. */
@Configuration(proxyBeanMethods = false)
public class InternalCredentialConfiguration {

  @Bean
  InternalCredential internalCredential(@Value("${emprops.internal.secret:}") String secret) {
    // Throws for a missing or short secret: running without it would leave the services open.
    return new InternalCredential(secret);
  }
}
