package io.emprops.storage.domain.output;

import java.io.IOException;
import java.io.InputStream;

/**
 * An output's content being read from where the worker left it.
 *
 * @param declaredType the type its source declared ({@code data:} media type, {@code Content-Type}), or null
 */
public record OutputContent(InputStream content, String declaredType) implements AutoCloseable {

  @Override
  public void close() throws IOException {
    content.close();
  }
}
