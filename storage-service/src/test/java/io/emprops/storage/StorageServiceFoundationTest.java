package io.emprops.storage;

import io.emprops.localstack.testing.EmbeddedInfrastructure;
import io.emprops.web.testing.ServiceFoundationContract;
import java.util.List;

@EmbeddedInfrastructure(app = "storage-service")
class StorageServiceFoundationTest extends ServiceFoundationContract {

  @Override
  protected List<String> expectedTables() {
    return List.of("assets", "pending_objects");
  }

  @Override
  protected List<String> readinessDependencies() {
    return List.of("db", "outboxRelay", "objectStore");
  }
}
