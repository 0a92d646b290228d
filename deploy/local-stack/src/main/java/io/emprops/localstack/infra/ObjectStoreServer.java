package io.emprops.localstack.infra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.nio2blob.FilesystemNio2BlobStore;
import software.amazon.awssdk.services.s3.model.BucketCannedACL;

/**
 * An S3-compatible object store (s3proxy, filesystem backend) inside this JVM. It checks SigV4
 * signatures and presigned URLs as S3 does, so the AWS SDK v2 is exercised for real. Its bucket is
 * public-read, as the origin of a CDN is: anyone may GET an object written with the
 * {@code public-read} ACL by its key, only signed requests write, list or delete.
 */
public final class ObjectStoreServer implements InfraComponent {

  public static final String REGION = "us-east-1";

  /** The proxy when it runs in this JVM, else null. */
  private final S3Proxy proxy;
  /** Its own JVM when it runs in one. */
  private volatile ServerJvm jvm;
  private final int port;
  private final String accessKey;
  private final String secretKey;
  private final String bucket;

  private ObjectStoreServer(S3Proxy proxy, int port, String accessKey, String secretKey, String bucket) {
    this.proxy = proxy;
    this.port = port;
    this.accessKey = accessKey;
    this.secretKey = secretKey;
    this.bucket = bucket;
  }

  public static ObjectStoreServer start(
      int port, Path baseDirectory, String accessKey, String secretKey, String bucket) {
    try {
      Files.createDirectories(baseDirectory);
      var blobStore = new FilesystemNio2BlobStore(baseDirectory.toAbsolutePath().toString());
      if (!blobStore.containerExists(bucket)) {
        blobStore.createContainer(bucket);
      }
      blobStore.setContainerAccess(bucket, BucketCannedACL.PUBLIC_READ);
      S3Proxy proxy = S3Proxy.builder()
          .blobStore(blobStore)
          .endpoint(URI.create("http://" + Ports.LOOPBACK + ":" + port))
          .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, accessKey, secretKey)
          .build();
      proxy.start();
      Ports.awaitListening("object store", port, java.time.Duration.ofSeconds(20));
      return new ObjectStoreServer(proxy, port, accessKey, secretKey, bucket);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (Exception e) {
      throw new IllegalStateException("cannot start the object store on port " + port, e);
    }
  }

  /**
   * The same store in a JVM of its own ({@code serve s3 PORT DIRECTORY BUCKET}, the keys in
   * {@code EMPROPS_S3_ACCESS_KEY} / {@code EMPROPS_S3_SECRET_KEY}), killable and restartable alone;
   * its objects are files, so a restart finds them all.
   */
  public static ObjectStoreServer startInOwnJvm(ServerJvm.Launch launch, int port, Path baseDirectory,
      String accessKey, String secretKey, String bucket) {
    ObjectStoreServer store = new ObjectStoreServer(null, port, accessKey, secretKey, bucket);
    store.jvm = ServerJvm.start(launch, "s3", List.of(Integer.toString(port), baseDirectory.toString(), bucket),
        Map.of(ACCESS_KEY_VARIABLE, accessKey, SECRET_KEY_VARIABLE, secretKey),
        () -> Ports.awaitListening("object store", port, java.time.Duration.ofSeconds(60)));
    return store;
  }

  /** Where {@code serve s3} finds its keys (never on a command line, which {@code ps} shows). */
  public static final String ACCESS_KEY_VARIABLE = "EMPROPS_S3_ACCESS_KEY";
  public static final String SECRET_KEY_VARIABLE = "EMPROPS_S3_SECRET_KEY";

  /** Its own JVM, when it runs in one. */
  public java.util.Optional<ServerJvm> ownJvm() {
    return java.util.Optional.ofNullable(jvm);
  }

  @Override
  public String name() {
    return "s3";
  }

  @Override
  public String endpoint() {
    return url();
  }

  public String url() {
    return "http://" + Ports.LOOPBACK + ":" + port;
  }

  /** Where anyone can read the bucket's objects: the local stand-in for a CDN base URL. */
  public String publicBaseUrl() {
    return url() + "/" + bucket;
  }

  public String accessKey() {
    return accessKey;
  }

  public String secretKey() {
    return secretKey;
  }

  public String bucket() {
    return bucket;
  }

  @Override
  public void close() {
    if (jvm != null) {
      jvm.close();
      return;
    }
    try {
      proxy.stop();
    } catch (Exception e) {
      throw new IllegalStateException("cannot stop the object store", e);
    }
  }
}
