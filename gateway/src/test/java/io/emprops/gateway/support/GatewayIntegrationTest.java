package io.emprops.gateway.support;

import java.util.Map;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The gateway with every service pointing at its recording stub: the context most tests share.
 * A test that needs other endpoints extends {@link GatewayTestSupport} and registers its own.
 */
public abstract class GatewayIntegrationTest extends GatewayTestSupport {

  @DynamicPropertySource
  static void serviceEndpoints(DynamicPropertyRegistry registry) {
    registerServices(registry, Map.of());
  }
}
