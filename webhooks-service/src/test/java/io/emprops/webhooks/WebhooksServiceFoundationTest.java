package io.emprops.webhooks;

import io.emprops.localstack.testing.EmbeddedInfrastructure;
import io.emprops.web.testing.ServiceFoundationContract;
import java.util.List;

@EmbeddedInfrastructure(app = "webhooks-service")
class WebhooksServiceFoundationTest extends ServiceFoundationContract {

  @Override
  protected List<String> expectedTables() {
    return List.of("endpoints", "endpoint_secrets", "messages", "deliveries", "delivery_attempts");
  }

  @Override
  protected List<String> readinessDependencies() {
    return List.of("db");
  }
}
