package io.emprops.storage.config;

import io.emprops.storage.domain.StorageMetrics;
import io.emprops.storage.domain.asset.AssetObjects;
import io.emprops.storage.domain.content.MediaTypePolicy;
import io.emprops.storage.domain.objects.ObjectStore;
import io.emprops.storage.domain.objects.PartBuffers;
import io.emprops.storage.domain.objects.PartedUploads;
import io.emprops.storage.domain.objects.PendingObjects;
import io.emprops.storage.domain.output.OutputPolicy;
import io.emprops.storage.domain.output.OutputSources;
import io.emprops.storage.domain.sweep.OrphanSweeper;
import io.emprops.storage.domain.upload.UploadPolicy;
import io.emprops.storage.objectstore.AzureBlobObjectStore;
import io.emprops.storage.objectstore.AzureSettings;
import io.emprops.storage.objectstore.S3ObjectStore;
import io.emprops.storage.objectstore.S3Settings;
import io.emprops.web.outbound.HostAllowList;
import java.time.Clock;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.transaction.support.TransactionTemplate;

/** The object store chosen by {@code emprops.storage.provider}, and the policies built from the properties. */
@Configuration(proxyBeanMethods = false)
@EnableScheduling
public class StorageConfiguration {

  @Bean
  Clock clock() {
    return Clock.systemUTC();
  }

  @Bean
  PartBuffers partBuffers(StorageProperties properties) {
    return new PartBuffers((int) properties.partSize().toBytes(), properties.partBuffers());
  }

  @Bean
  PartedUploads partedUploads(PartBuffers buffers) {
    return new PartedUploads(buffers);
  }

  @Bean
  ObjectStore objectStore(StorageProperties properties, PartedUploads uploads) {
    return switch (properties.provider()) {
      case S3 -> {
        StorageProperties.S3 s3 = properties.s3();
        require(s3.bucket(), "emprops.storage.s3.bucket");
        yield new S3ObjectStore(new S3Settings(s3.endpoint(), s3.region(), s3.bucket(), s3.pathStyle(), s3.accessKey(),
            s3.secretKey(), s3.objectAcl(), s3.requestChecksums().equals("when-supported")), uploads);
      }
      case AZURE -> {
        StorageProperties.Azure azure = properties.azure();
        require(azure.endpoint(), "emprops.storage.azure.endpoint");
        require(azure.accountName(), "emprops.storage.azure.account-name");
        require(azure.accountKey(), "emprops.storage.azure.account-key");
        require(azure.container(), "emprops.storage.azure.container");
        yield new AzureBlobObjectStore(new AzureSettings(azure.endpoint(), azure.accountName(), azure.accountKey(),
            azure.container()), uploads);
      }
    };
  }

  @Bean
  AssetObjects assetObjects(ObjectStore store, StorageProperties properties) {
    return new AssetObjects(store, properties.cdnBaseUrl(), properties.cacheControl(), properties.downloadUrlValidity());
  }

  @Bean
  UploadPolicy uploadPolicy(StorageProperties properties) {
    var uploads = properties.uploads();
    return new UploadPolicy(uploads.maxSize().toBytes(), new MediaTypePolicy(uploads.allowedTypes(), uploads.refusedTypes()));
  }

  @Bean
  OutputPolicy outputPolicy(StorageProperties properties) {
    var outputs = properties.outputs();
    return new OutputPolicy(HostAllowList.of("emprops.storage.outputs.allowed-hosts", outputs.allowedHosts()),
        outputs.allowPrivateAddresses(), outputs.timeout(), outputs.maxSize().toBytes(), outputs.attempts(),
        outputs.retryBackoff(), outputs.storeOutagePatience(), outputs.storeRetryInterval());
  }

  @Bean
  OutputSources outputSources(OutputPolicy policy) {
    return new OutputSources(policy);
  }

  @Bean
  OrphanSweeper orphanSweeper(PendingObjects pending, ObjectStore store, TransactionTemplate transactions,
      StorageMetrics metrics, StorageProperties properties) {
    return new OrphanSweeper(pending, store, transactions, metrics, properties.sweeper().grace());
  }

  @Bean
  ObjectStoreHealthIndicator objectStoreHealthIndicator(ObjectStore store) {
    return new ObjectStoreHealthIndicator(store);
  }

  private static void require(Object value, String property) {
    if (value == null || value.toString().isBlank()) {
      throw new IllegalStateException(property + " is required");
    }
  }
}
