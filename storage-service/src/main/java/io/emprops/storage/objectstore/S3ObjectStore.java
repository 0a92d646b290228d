package io.emprops.storage.objectstore;

import io.emprops.storage.domain.objects.ObjectInfo;
import io.emprops.storage.domain.objects.ObjectStore;
import io.emprops.storage.domain.objects.ObjectStoreException;
import io.emprops.storage.domain.objects.ObjectWrite;
import io.emprops.storage.domain.objects.PartedUploads;
import io.emprops.storage.domain.objects.PartedWriter;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.MultipartUpload;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.ObjectCannedACL;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * {@link ObjectStore} on the S3 API with the AWS SDK for Java v2: AWS S3, Cloudflare R2, Google
 * Cloud Storage (XML interoperability API with HMAC keys), MinIO, s3proxy. Large objects are
 * multipart uploads of one part per buffer; a failed one is aborted.
 */
public final class S3ObjectStore implements ObjectStore, AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(S3ObjectStore.class);

  private final S3Client s3;
  private final S3Presigner presigner;
  private final String bucket;
  private final ObjectCannedACL acl;
  private final PartedUploads uploads;

  public S3ObjectStore(S3Settings settings, PartedUploads uploads) {
    Region region = Region.of(settings.region());
    AwsCredentialsProvider credentials = settings.accessKey() == null || settings.accessKey().isBlank()
        ? DefaultCredentialsProvider.builder().build()
        : StaticCredentialsProvider.create(AwsBasicCredentials.create(settings.accessKey(), settings.secretKey()));
    S3Configuration service = S3Configuration.builder().pathStyleAccessEnabled(settings.pathStyle()).build();
    var client = S3Client.builder()
        .region(region)
        .credentialsProvider(credentials)
        .serviceConfiguration(service)
        .requestChecksumCalculation(settings.checksumsWhenSupported()
            ? RequestChecksumCalculation.WHEN_SUPPORTED : RequestChecksumCalculation.WHEN_REQUIRED)
        .responseChecksumValidation(settings.checksumsWhenSupported()
            ? ResponseChecksumValidation.WHEN_SUPPORTED : ResponseChecksumValidation.WHEN_REQUIRED)
        .httpClientBuilder(Apache5HttpClient.builder().maxConnections(64));
    var presign = S3Presigner.builder().region(region).credentialsProvider(credentials).serviceConfiguration(service);
    if (settings.endpoint() != null) {
      client.endpointOverride(settings.endpoint());
      presign.endpointOverride(settings.endpoint());
    }
    this.s3 = client.build();
    this.presigner = presign.build();
    this.bucket = settings.bucket();
    this.acl = settings.objectAcl() == null || settings.objectAcl().isBlank() ? null
        : ObjectCannedACL.fromValue(settings.objectAcl());
    if (acl == ObjectCannedACL.UNKNOWN_TO_SDK_VERSION) {
      throw new IllegalArgumentException("unknown S3 canned ACL '" + settings.objectAcl() + "'");
    }
    this.uploads = uploads;
  }

  @Override
  public String provider() {
    return "s3";
  }

  @Override
  public long write(ObjectWrite object, InputStream content) throws IOException {
    return uploads.write(content, new MultipartWriter(object));
  }

  @Override
  public Optional<ObjectInfo> find(String key) {
    try {
      HeadObjectResponse head = s3.headObject(b -> b.bucket(bucket).key(key));
      return Optional.of(new ObjectInfo(key, head.contentLength(), head.contentType(), head.cacheControl()));
    } catch (NoSuchKeyException e) {
      return Optional.empty();
    } catch (S3Exception e) {
      if (e.statusCode() == 404) {
        return Optional.empty();
      }
      throw failed("HEAD", key, e);
    } catch (SdkException e) {
      throw failed("HEAD", key, e);
    }
  }

  @Override
  public InputStream read(String key) {
    return call("GET", key, () -> s3.getObject(b -> b.bucket(bucket).key(key)));
  }

  @Override
  public void delete(String key) {
    call("DELETE", key, () -> s3.deleteObject(b -> b.bucket(bucket).key(key)));
    // A crash during a multipart upload leaves its parts, invisible but stored: abort them too.
    try {
      for (MultipartUpload unfinished : s3.listMultipartUploads(b -> b.bucket(bucket).prefix(key)).uploads()) {
        if (unfinished.key().equals(key)) {
          s3.abortMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(unfinished.uploadId()));
        }
      }
    } catch (SdkException e) {
      log.warn("Unfinished uploads to {} not listed or aborted: {}", key, e.getMessage());
    }
  }

  @Override
  public URI location(String key) {
    try {
      return s3.utilities().getUrl(b -> b.bucket(bucket).key(key)).toURI();
    } catch (java.net.URISyntaxException e) {
      throw new IllegalStateException("the SDK made an invalid URL for " + key, e);
    }
  }

  @Override
  public URI presignedDownload(String key, String fileName, Duration validity) {
    return call("presign", key, () -> URI.create(presigner.presignGetObject(p -> p
        .signatureDuration(validity)
        .getObjectRequest(g -> g.bucket(bucket).key(key)
            .responseContentDisposition(ContentDisposition.attachment(fileName))))
        .url().toString()));
  }

  @Override
  public void checkReachable() {
    call("HEAD bucket", "", () -> s3.headBucket(b -> b.bucket(bucket)));
  }

  @Override
  public void close() {
    presigner.close();
    s3.close();
  }

  private <T> T call(String operation, String key, Supplier<T> call) {
    try {
      return call.get();
    } catch (SdkException e) {
      throw failed(operation, key, e);
    }
  }

  private ObjectStoreException failed(String operation, String key, SdkException e) {
    return new ObjectStoreException("s3 " + operation + " " + bucket + "/" + key + " failed: " + e.getMessage(), e);
  }

  private static RequestBody body(ByteBuffer content, String contentType) {
    // Not copied: the SDK re-reads the stream for signing and retries from this provider.
    byte[] array = content.array();
    int offset = content.arrayOffset() + content.position();
    int length = content.remaining();
    return RequestBody.fromContentProvider(() -> new ByteArrayInputStream(array, offset, length), length, contentType);
  }

  /** One object: a PutObject, or a multipart upload. */
  private final class MultipartWriter implements PartedWriter {

    private final ObjectWrite object;
    private final List<CompletedPart> parts = new ArrayList<>();
    private String uploadId;

    MultipartWriter(ObjectWrite object) {
      this.object = object;
    }

    @Override
    public void whole(ByteBuffer content) {
      call("PUT", object.key(), () -> s3.putObject(b -> b.bucket(bucket).key(object.key())
          .contentType(object.contentType()).cacheControl(object.cacheControl()).acl(acl)
          .contentLength((long) content.remaining()), body(content, object.contentType())));
    }

    @Override
    public void begin() {
      uploadId = call("CreateMultipartUpload", object.key(), () -> s3.createMultipartUpload(b -> b.bucket(bucket)
          .key(object.key()).contentType(object.contentType()).cacheControl(object.cacheControl()).acl(acl))
          .uploadId());
    }

    @Override
    public void part(int number, ByteBuffer content) {
      String etag = call("UploadPart " + number, object.key(), () -> s3.uploadPart(b -> b.bucket(bucket)
          .key(object.key()).uploadId(uploadId).partNumber(number).contentLength((long) content.remaining()),
          body(content, "application/octet-stream")).eTag());
      synchronized (parts) {
        parts.add(CompletedPart.builder().partNumber(number).eTag(etag).build());
      }
    }

    @Override
    public void complete() {
      List<CompletedPart> ordered;
      synchronized (parts) {
        ordered = parts.stream().sorted(Comparator.comparing(CompletedPart::partNumber)).toList();
      }
      call("CompleteMultipartUpload", object.key(), () -> s3.completeMultipartUpload(b -> b.bucket(bucket)
          .key(object.key()).uploadId(uploadId).multipartUpload(m -> m.parts(ordered))));
    }

    @Override
    public void abort() {
      if (uploadId == null) {
        return;
      }
      try {
        s3.abortMultipartUpload(b -> b.bucket(bucket).key(object.key()).uploadId(uploadId));
      } catch (SdkException e) {
        log.warn("Multipart upload {} to {} not aborted ({}); removed with its key later", uploadId, object.key(),
            e.getMessage());
      }
    }
  }
}
