package io.emprops.collections;

import io.emprops.localstack.testing.EmbeddedInfrastructure;
import io.emprops.web.testing.ServiceFoundationContract;
import java.util.List;

@EmbeddedInfrastructure(app = "collections-service")
class CollectionsServiceFoundationTest extends ServiceFoundationContract {

  @Override
  protected List<String> expectedTables() {
    return List.of("projects", "collections", "components", "receivers", "previews", "social_links",
        "sample_images", "publications", "publishable_chains");
  }
}
