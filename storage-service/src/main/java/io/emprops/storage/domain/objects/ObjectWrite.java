package io.emprops.storage.domain.objects;

import java.util.Objects;

/**
 * What an object is written with.
 *
 * @param key where, a {@code /}-separated path
 * @param contentType the media type served with it
 * @param cacheControl the {@code Cache-Control} served with it (objects never change under their key)
 */
public record ObjectWrite(String key, String contentType, String cacheControl) {

  public ObjectWrite {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(contentType, "contentType");
  }
}
