package io.emprops.storage.domain.objects;

import java.nio.ByteBuffer;

/**
 * How one provider writes one object, driven by {@link PartedUploads}: a small object in one
 * request, a large one as a multipart upload (S3) or staged blocks (Azure). {@link #part} may be
 * called from another thread than the other methods, one part at a time.
 */
public interface PartedWriter {

  /** The whole object in one request (it fitted into one part). */
  void whole(ByteBuffer content);

  /** Starts a multipart write; nothing is visible under the key until {@link #complete}. */
  void begin();

  /** Part {@code number} (1, 2, …) of a multipart write. */
  void part(int number, ByteBuffer content);

  /** Makes the parts written so far the object. */
  void complete();

  /** Gives up a multipart write: its parts are discarded, nothing is left under the key. Never throws. */
  void abort();
}
