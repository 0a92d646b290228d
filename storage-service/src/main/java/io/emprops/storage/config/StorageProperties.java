package io.emprops.storage.config;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * {@code emprops.storage.*}: which object store, how objects are written and served, the limits
 * of uploads and of fetched outputs, and the orphan sweeper. README, "Configuration", shows a
 * block per provider.
 *
 * @param provider {@code s3} (AWS S3, R2, GCS, MinIO, s3proxy) or {@code azure}
 * @param cdnBaseUrl the CDN in front of the bucket; an asset's {@code cdn_url} is this plus its key
 *     (none when empty)
 * @param cacheControl sent with every object (objects never change under their key)
 * @param downloadUrlValidity how long the URL {@code GET /assets/{id}/download} redirects to works
 * @param partSize bytes per part of a multipart write (at least 5 MB, S3's minimum)
 * @param bufferMemory all part buffers of the instance together (at least one part): the heap uploads
 *     and fetches may take, however many run at once
 */
@ConfigurationProperties("emprops.storage")
public record StorageProperties(
    Provider provider, S3 s3, Azure azure, String cdnBaseUrl, String cacheControl, Duration downloadUrlValidity,
    DataSize partSize, DataSize bufferMemory, Uploads uploads, Outputs outputs, Sweeper sweeper) {

  public enum Provider { S3, AZURE }

  public StorageProperties {
    provider = provider == null ? Provider.S3 : provider;
    s3 = s3 == null ? new S3(null, null, null, null, null, null, null, null) : s3;
    azure = azure == null ? new Azure(null, null, null, null) : azure;
    cacheControl = cacheControl == null || cacheControl.isBlank() ? "public, max-age=31536000, immutable" : cacheControl;
    downloadUrlValidity = downloadUrlValidity == null ? Duration.ofMinutes(5) : downloadUrlValidity;
    partSize = partSize == null ? DataSize.ofMegabytes(8) : partSize;
    bufferMemory = bufferMemory == null ? DataSize.ofMegabytes(64) : bufferMemory;
    uploads = uploads == null ? new Uploads(null, null, null) : uploads;
    outputs = outputs == null ? new Outputs(null, null, null, null, null, null, null, null) : outputs;
    sweeper = sweeper == null ? new Sweeper(null, null) : sweeper;
    if (partSize.toBytes() < DataSize.ofMegabytes(5).toBytes() || partSize.toBytes() > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("emprops.storage.part-size must be between 5MB and 2GB");
    }
    if (bufferMemory.toBytes() < partSize.toBytes()) {
      throw new IllegalArgumentException("emprops.storage.buffer-memory must hold at least one part (emprops.storage.part-size)");
    }
    if (!downloadUrlValidity.isPositive() || downloadUrlValidity.compareTo(Duration.ofDays(7)) > 0) {
      throw new IllegalArgumentException("emprops.storage.download-url-validity must be positive and at most 7 days");
    }
  }

  /** How many part buffers {@link #bufferMemory} holds. */
  public int partBuffers() {
    return (int) Math.min(1024, bufferMemory.toBytes() / partSize.toBytes());
  }

  /**
   * @param endpoint the service URL; empty for AWS S3 itself
   * @param pathStyle path-style URLs (MinIO, s3proxy); default false
   * @param accessKey empty: the SDK's default credentials chain
   * @param objectAcl canned ACL for every object, e.g. {@code public-read}; empty: none
   * @param requestChecksums {@code when-required} (default: what every S3-compatible store accepts)
   *     or {@code when-supported} (CRC checksums on every write, AWS S3)
   */
  public record S3(URI endpoint, String region, String bucket, Boolean pathStyle, String accessKey, String secretKey,
      String objectAcl, String requestChecksums) {

    public S3 {
      region = region == null || region.isBlank() ? "us-east-1" : region;
      pathStyle = pathStyle != null && pathStyle;
      requestChecksums = requestChecksums == null || requestChecksums.isBlank() ? "when-required" : requestChecksums;
      if (!requestChecksums.equals("when-required") && !requestChecksums.equals("when-supported")) {
        throw new IllegalArgumentException("emprops.storage.s3.request-checksums must be when-required or when-supported");
      }
    }
  }

  public record Azure(String endpoint, String accountName, String accountKey, String container) {}

  /**
   * @param maxSize the largest file {@code POST /assets} accepts (413 beyond); default 50 MB
   * @param allowedTypes sniffed types accepted, exact or {@code family/*} (415 otherwise)
   * @param refusedTypes types refused even when allowed above (SVG can carry scripts)
   */
  public record Uploads(DataSize maxSize, List<String> allowedTypes, List<String> refusedTypes) {

    public Uploads {
      maxSize = maxSize == null ? DataSize.ofMegabytes(50) : maxSize;
      allowedTypes = allowedTypes == null ? List.of("image/*", "video/*", "audio/*", "model/*") : List.copyOf(allowedTypes);
      refusedTypes = refusedTypes == null ? List.of("image/svg+xml") : List.copyOf(refusedTypes);
      if (maxSize.toBytes() <= 0) {
        throw new IllegalArgumentException("emprops.storage.uploads.max-size must be positive");
      }
    }
  }

  /**
   * @param allowedHosts hosts generation outputs may be fetched from ({@code host}, {@code *.domain},
   *     optional {@code :port}); {@code data:} URLs need none; empty: only {@code data:} URLs
   * @param allowPrivateAddresses let those hosts resolve to loopback/private/link-local addresses
   *     (local stacks and tests only); default false
   * @param timeout bound on a whole fetch; default 30 s
   * @param maxSize the largest output stored; default 100 MB
   * @param attempts how often an output whose source cannot be read, or whose write the store
   *     fails, is tried before it is given up ({@code AssetStoreFailed}); default 3
   * @param retryBackoff pause after the first failed attempt, doubled after each further one; default 1 s
   * @param storeOutagePatience how long an output the object store still fails after those attempts
   *     is kept and retried before it is given up; default 8 min (less than the generator's
   *     {@code storage-timeout}, 10 min, so that the job hears why)
   * @param storeRetryInterval the pause before such an output's first retry, doubled after each
   *     further one up to a minute; default 5 s
   */
  public record Outputs(List<String> allowedHosts, Boolean allowPrivateAddresses, Duration timeout, DataSize maxSize,
      Integer attempts, Duration retryBackoff, Duration storeOutagePatience, Duration storeRetryInterval) {

    public Outputs {
      allowedHosts = allowedHosts == null ? List.of() : List.copyOf(allowedHosts);
      allowPrivateAddresses = allowPrivateAddresses != null && allowPrivateAddresses;
      timeout = timeout == null ? Duration.ofSeconds(30) : timeout;
      maxSize = maxSize == null ? DataSize.ofMegabytes(100) : maxSize;
      attempts = attempts == null ? 3 : attempts;
      retryBackoff = retryBackoff == null ? Duration.ofSeconds(1) : retryBackoff;
      storeOutagePatience = storeOutagePatience == null ? Duration.ofMinutes(8) : storeOutagePatience;
      storeRetryInterval = storeRetryInterval == null ? Duration.ofSeconds(5) : storeRetryInterval;
      if (storeOutagePatience.isNegative() || !storeRetryInterval.isPositive()) {
        throw new IllegalArgumentException(
            "emprops.storage.outputs.store-outage-patience must not be negative, .store-retry-interval must be positive");
      }
      if (!timeout.isPositive() || maxSize.toBytes() <= 0) {
        throw new IllegalArgumentException("emprops.storage.outputs.timeout and .max-size must be positive");
      }
      if (attempts < 1 || retryBackoff.isNegative()) {
        throw new IllegalArgumentException("emprops.storage.outputs.attempts must be at least 1, .retry-backoff not negative");
      }
    }
  }

  /**
   * @param interval time between sweeps; default 5 min
   * @param grace how old a pending key must be before its object counts as orphaned: longer than
   *     any upload or fetch takes; default 1 h
   */
  public record Sweeper(Duration interval, Duration grace) {

    public Sweeper {
      interval = interval == null ? Duration.ofMinutes(5) : interval;
      grace = grace == null ? Duration.ofHours(1) : grace;
      if (grace.isNegative()) {
        throw new IllegalArgumentException("emprops.storage.sweeper.grace must not be negative");
      }
    }
  }
}
