package io.emprops.storage.objectstore;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.emprops.localstack.infra.AzuriteServer;
import io.emprops.localstack.infra.Infrastructure;
import io.emprops.localstack.testing.SharedInfrastructure;
import io.emprops.storage.domain.objects.ObjectStore;
import io.emprops.storage.domain.objects.PartedUploads;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;

/**
 * The contract on Azurite, Microsoft's emulator (npm), which checks Shared Key signatures and SAS
 * tokens. Without npm there is no Azurite: the tests are skipped, saying why.
 */
class AzureBlobObjectStoreContractTest extends ObjectStoreContract {

  private static final String CONTAINER = "contract-" + UUID.randomUUID();
  private static AzuriteServer azurite;

  @BeforeAll
  static void startAzurite() {
    Infrastructure infra = SharedInfrastructure.get();
    azurite = infra.azurite().orElse(null);
    assumeTrue(azurite != null, () -> "Azurite is not available here: " + infra.azuriteUnavailableReason());
    try (PartedUploads uploads = new PartedUploads(new io.emprops.storage.domain.objects.PartBuffers(PART, 1))) {
      new AzureBlobObjectStore(settings(CONTAINER), uploads).createContainerIfMissing();
    }
  }

  @Override
  protected ObjectStore createStore(PartedUploads uploads) {
    return new AzureBlobObjectStore(settings(CONTAINER), uploads);
  }

  @Override
  protected ObjectStore createStoreWithoutContainer(PartedUploads uploads) {
    return new AzureBlobObjectStore(settings("no-such-container"), uploads);
  }

  private static AzureSettings settings(String container) {
    return new AzureSettings(azurite.blobEndpoint(), AzuriteServer.ACCOUNT_NAME, AzuriteServer.ACCOUNT_KEY, container);
  }
}
