package io.emprops.generator;

import io.emprops.localstack.testing.EmbeddedInfrastructure;
import io.emprops.web.testing.ServiceFoundationContract;
import java.util.List;

@EmbeddedInfrastructure(app = "generator-service")
class GeneratorServiceFoundationTest extends ServiceFoundationContract {

  @Override
  protected List<String> expectedTables() {
    return List.of("workflows");
  }

  @Override
  protected List<String> readinessDependencies() {
    return List.of("db", "outboxRelay", "jobQueue");
  }
}
