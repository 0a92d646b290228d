package io.emprops.storage.support;

import io.emprops.localstack.infra.ObjectStoreServer;
import io.emprops.localstack.testing.SharedInfrastructure;
import java.net.URI;
import java.util.List;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Object;

/** Looks at the test stack's bucket directly, independently of the service. */
public final class StoreInspector implements AutoCloseable {

  private final ObjectStoreServer server = SharedInfrastructure.get().objectStore();
  private final S3Client s3 = S3Client.builder()
      .endpointOverride(URI.create(server.url()))
      .region(Region.of(ObjectStoreServer.REGION))
      .forcePathStyle(true)
      .credentialsProvider(StaticCredentialsProvider.create(
          AwsBasicCredentials.create(server.accessKey(), server.secretKey())))
      .build();

  public List<String> keys(String prefix) {
    return s3.listObjectsV2Paginator(b -> b.bucket(server.bucket()).prefix(prefix)).contents().stream()
        .map(S3Object::key).toList();
  }

  public HeadObjectResponse head(String key) {
    return s3.headObject(b -> b.bucket(server.bucket()).key(key));
  }

  public long unfinishedUploads(String prefix) {
    return s3.listMultipartUploads(b -> b.bucket(server.bucket()).prefix(prefix)).uploads().size();
  }

  public String bucketUrl() {
    return server.publicBaseUrl();
  }

  @Override
  public void close() {
    s3.close();
  }
}
