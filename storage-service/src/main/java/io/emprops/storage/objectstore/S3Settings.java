package io.emprops.storage.objectstore;

import java.net.URI;

/**
 * Where and how to reach an S3-compatible store.
 *
 * @param endpoint the service URL; null for AWS S3 itself (derived from the region)
 * @param pathStyle {@code https://host/bucket/key} rather than {@code https://bucket.host/key}
 *     (MinIO, s3proxy, most local stores)
 * @param accessKey with {@code secretKey}, static credentials; null for the SDK's default chain
 *     (environment, profile, instance or pod role)
 * @param objectAcl a canned ACL written with every object ({@code public-read} where reads are
 *     granted per object), or null for the bucket's own policy
 * @param checksumsWhenSupported send CRC checksums with every write (AWS S3); off, checksums only
 *     where an operation requires them, which every S3-compatible store accepts
 */
public record S3Settings(
    URI endpoint, String region, String bucket, boolean pathStyle, String accessKey, String secretKey,
    String objectAcl, boolean checksumsWhenSupported) {}
