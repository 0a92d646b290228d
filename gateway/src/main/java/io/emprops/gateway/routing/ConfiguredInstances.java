package io.emprops.gateway.routing;

import io.emprops.gateway.config.GatewayProperties;
import java.net.URI;
import java.util.List;
import org.springframework.cloud.client.DefaultServiceInstance;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.loadbalancer.core.ServiceInstanceListSupplier;
import org.springframework.cloud.loadbalancer.support.LoadBalancerClientFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import reactor.core.publisher.Flux;

/**
 * The balancer's configuration for each balanced service (Spring Cloud LoadBalancer builds one
 * child context per service from it; not a {@code @Configuration}, so that component scanning
 * leaves it out of the main context): the instances are the service's URIs in
 * {@code emprops.gateway.services.<name>}, less those that refused a connection lately. The
 * balancer itself is the default round robin.
 */
class ConfiguredInstances {

  @Bean
  ServiceInstanceListSupplier serviceInstances(Environment environment, GatewayProperties properties,
      RefusedInstances refused) {
    String service = environment.getRequiredProperty(LoadBalancerClientFactory.PROPERTY_NAME);
    List<ServiceInstance> instances = properties.services().byName().get(service).stream()
        .map(uri -> instance(service, uri))
        .toList();
    return new ServiceInstanceListSupplier() {
      @Override
      public String getServiceId() {
        return service;
      }

      @Override
      public Flux<List<ServiceInstance>> get() {
        return Flux.defer(() -> Flux.just(refused.reachable(instances)));
      }
    };
  }

  private static ServiceInstance instance(String service, URI uri) {
    URI address = RefusedInstances.address(uri);
    return new DefaultServiceInstance(address.toString(), service, address.getHost(), address.getPort(),
        "https".equals(address.getScheme()));
  }
}
