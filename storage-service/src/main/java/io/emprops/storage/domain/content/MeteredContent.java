package io.emprops.storage.domain.content;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Content on its way to the store: counted, hashed (SHA-256) and cut off with
 * {@link ContentTooLargeException} as soon as it passes its limit.
 */
public final class MeteredContent extends FilterInputStream {

  private final long limit;
  private final MessageDigest sha256;
  private long count;

  public MeteredContent(InputStream content, long limit) {
    super(content);
    this.limit = limit;
    try {
      this.sha256 = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] buffer, int offset, int length) throws IOException {
    int read = in.read(buffer, offset, length);
    if (read > 0) {
      count += read;
      if (count > limit) {
        throw new ContentTooLargeException(limit);
      }
      sha256.update(buffer, offset, read);
    }
    return read;
  }

  @Override
  public long skip(long n) {
    return 0; // every byte must be hashed and counted
  }

  @Override
  public boolean markSupported() {
    return false;
  }

  public long count() {
    return count;
  }

  /** The hex digest of everything read; call once, after the end. */
  public String sha256() {
    return HexFormat.of().formatHex(sha256.digest());
  }
}
