package io.emprops.credits;

import io.emprops.localstack.testing.EmbeddedInfrastructure;
import io.emprops.web.testing.ServiceFoundationContract;
import java.util.List;

@EmbeddedInfrastructure(app = "credits-service")
class CreditsServiceFoundationTest extends ServiceFoundationContract {

  @Override
  protected List<String> expectedTables() {
    return List.of("accounts");
  }
}
