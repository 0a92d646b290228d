package io.emprops.webhooks.config;

import io.emprops.web.crypto.SecretBox;
import io.emprops.webhooks.domain.delivery.DeliverySettings;
import io.emprops.webhooks.domain.delivery.RetryPolicy;
import io.emprops.webhooks.domain.endpoint.EndpointLimits;
import io.emprops.webhooks.domain.endpoint.HostResolver;
import io.emprops.webhooks.domain.endpoint.OutboundPolicy;
import io.emprops.webhooks.outbound.PinnedHttpTransport;
import java.time.Clock;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.EnableScheduling;

/** The policies and settings built from {@code emprops.webhooks.*}, and the outbound HTTP transport. */
@Configuration(proxyBeanMethods = false)
@EnableScheduling
public class WebhooksConfiguration {

  @Bean
  @ConditionalOnMissingBean
  Clock clock() {
    return Clock.systemUTC();
  }

  /** Refuses to start without a valid key: signing secrets are never stored in the clear. */
  @Bean
  SecretBox signingSecretBox(WebhooksProperties properties) {
    return new SecretBox(properties.secretsKey(), "emprops.webhooks.secrets-key");
  }

  @Bean
  OutboundPolicy outboundPolicy(WebhooksProperties properties) {
    return new OutboundPolicy(properties.localMode());
  }

  @Bean
  @ConditionalOnMissingBean
  HostResolver hostResolver() {
    return HostResolver.SYSTEM;
  }

  @Bean
  EndpointLimits endpointLimits(WebhooksProperties properties) {
    return new EndpointLimits(properties.maxEndpointsPerUser(), properties.maxRotationOverlap());
  }

  @Bean
  DeliverySettings deliverySettings(WebhooksProperties properties) {
    WebhooksProperties.Delivery d = properties.delivery();
    return new DeliverySettings(
        new RetryPolicy(d.initialBackoff(), d.backoffMultiplier(), d.maxBackoff(), d.jitter()),
        d.retryFor(), d.disableAfter(), d.progressInterval(), d.concurrency(), d.perEndpointConcurrency(),
        d.batchSize(), d.lease(), d.pollInterval(), d.completionHold());
  }

  @Bean
  PinnedHttpTransport webhookTransport(WebhooksProperties properties, OutboundPolicy policy, HostResolver resolver) {
    WebhooksProperties.Delivery d = properties.delivery();
    return new PinnedHttpTransport(policy, resolver, d.timeout(), d.connectTimeout(), d.maxResponseSize().toBytes(),
        d.concurrency(), d.perEndpointConcurrency());
  }
}
