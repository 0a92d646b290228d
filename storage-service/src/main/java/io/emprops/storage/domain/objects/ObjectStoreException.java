package io.emprops.storage.domain.objects;

/** The object store failed or refused a call; the message names the provider, the call and the key. */
public class ObjectStoreException extends RuntimeException {

  public ObjectStoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
