package io.emprops.storage.objectstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.emprops.localstack.infra.ObjectStoreServer;
import io.emprops.localstack.testing.SharedInfrastructure;
import io.emprops.storage.domain.objects.ObjectStore;
import io.emprops.storage.domain.objects.ObjectWrite;
import io.emprops.storage.domain.objects.PartedUploads;
import java.io.ByteArrayInputStream;
import java.net.URI;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/** The contract on s3proxy, which checks SigV4 signatures and presigned URLs as S3 does. */
class S3ObjectStoreContractTest extends ObjectStoreContract {

  private final ObjectStoreServer s3 = SharedInfrastructure.get().objectStore();

  @Override
  protected ObjectStore createStore(PartedUploads uploads) {
    return new S3ObjectStore(settings(s3.bucket(), null), uploads);
  }

  @Override
  protected ObjectStore createStoreWithoutContainer(PartedUploads uploads) {
    return new S3ObjectStore(settings("no-such-bucket", null), uploads);
  }

  private S3Settings settings(String bucket, String acl) {
    return new S3Settings(URI.create(s3.url()), ObjectStoreServer.REGION, bucket, true, s3.accessKey(), s3.secretKey(),
        acl, false);
  }

  @Test
  void anAbortedMultipartUploadLeavesNoPartsBehind() {
    String key = prefix + "aborted.bin";
    var failing = new FailingAfter(new ByteArrayInputStream(random(3 * PART, 8)), PART + PART / 2);
    assertThatThrownBy(() -> store.write(new ObjectWrite(key, "video/mp4", CACHE_CONTROL), failing));
    assertThat(unfinishedUploads(key)).isZero();
  }

  @Test
  void deletingAKeyAlsoAbortsAnUploadLeftUnfinishedByACrash() {
    String key = prefix + "crashed.bin";
    try (S3Client client = client()) {
      client.createMultipartUpload(b -> b.bucket(s3.bucket()).key(key));
      assertThat(unfinishedUploads(key)).isOne();
      store.delete(key);
      assertThat(unfinishedUploads(key)).isZero();
    }
  }

  @Test
  void aCannedAclMakesObjectsReadableByAnyoneWhereTheStoreGrantsReadsByAcl() throws Exception {
    try (S3ObjectStore publicRead = new S3ObjectStore(settings(s3.bucket(), "public-read"), uploads)) {
      String key = prefix + "public.png";
      publicRead.write(new ObjectWrite(key, "image/png", CACHE_CONTROL), new ByteArrayInputStream(random(64, 9)));
      var anonymous = java.net.http.HttpClient.newHttpClient().send(
          java.net.http.HttpRequest.newBuilder(URI.create(s3.publicBaseUrl() + "/" + key)).build(),
          java.net.http.HttpResponse.BodyHandlers.ofByteArray());
      assertThat(anonymous.statusCode()).isEqualTo(200);
      assertThat(anonymous.body()).isEqualTo(random(64, 9));
      assertThat(anonymous.headers().firstValue("Cache-Control")).contains(CACHE_CONTROL);
    }
  }

  private long unfinishedUploads(String key) {
    try (S3Client client = client()) {
      return client.listMultipartUploads(b -> b.bucket(s3.bucket()).prefix(key)).uploads().stream()
          .filter(u -> u.key().equals(key)).count();
    }
  }

  private S3Client client() {
    return S3Client.builder().endpointOverride(URI.create(s3.url())).region(Region.of(ObjectStoreServer.REGION))
        .forcePathStyle(true)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(s3.accessKey(), s3.secretKey())))
        .build();
  }
}
