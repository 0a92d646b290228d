package io.emprops.storage.domain.content;

import java.io.IOException;

/** Content went past its size limit; reading stopped there. */
public class ContentTooLargeException extends IOException {

  private final long limit;

  public ContentTooLargeException(long limit) {
    super("content is larger than " + limit + " bytes");
    this.limit = limit;
  }

  public long limit() {
    return limit;
  }
}
