package io.emprops.storage.domain.objects;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/**
 * The one storage interface over every cloud the suite runs on: S3 and what speaks its API
 * (Cloudflare R2, Google Cloud Storage's interoperability API, MinIO, s3proxy) and Azure Blob
 * Storage. Keys are {@code /}-separated paths chosen by the storage service, never by a client.
 * Every implementation passes the same contract test.
 */
public interface ObjectStore {

  /** The provider's name for logs, metrics and health ({@code s3}, {@code azure}). */
  String provider();

  /**
   * Streams {@code content} to its end into the object {@code object.key()}, in parts when it is
   * larger than one part, holding at most two parts in memory. Either the whole object is stored
   * or, when reading the content or writing fails, nothing new is left under the key (unfinished
   * multipart uploads are aborted).
   *
   * @return the number of bytes stored
   * @throws IOException when reading {@code content} fails (the content's own exception, as thrown)
   * @throws ObjectStoreException when the store fails
   */
  long write(ObjectWrite object, InputStream content) throws IOException;

  /** The object's size and headers, or empty when there is none under the key. */
  Optional<ObjectInfo> find(String key);

  /**
   * The object's content; the caller closes the stream.
   *
   * @throws ObjectStoreException when there is no such object or the store fails
   */
  InputStream read(String key);

  /**
   * Removes the object and abandons any unfinished upload to its key. Removing what is not there
   * succeeds, so a retried delete is harmless.
   */
  void delete(String key);

  /** The object's own URL at the store (readable by anyone only where the store makes it public). */
  URI location(String key);

  /**
   * A URL that lets its holder read the object for {@code validity}, answered as an attachment named
   * {@code fileName} (S3: a presigned GET; Azure: a read-only SAS).
   */
  URI presignedDownload(String key, String fileName, Duration validity);

  /**
   * Reaches the bucket or container (health).
   *
   * @throws ObjectStoreException when it cannot be reached or does not exist
   */
  void checkReachable();
}
