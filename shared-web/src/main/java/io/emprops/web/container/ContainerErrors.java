package io.emprops.web.container;

import io.emprops.web.api.ErrorBodies;
import io.emprops.web.api.ErrorCode;
import org.springframework.http.HttpStatus;

/** The envelope a servlet container writes for an error it raised before any servlet ran. */
final class ContainerErrors {

  private ContainerErrors() {}

  static String body(int status) {
    HttpStatus known = HttpStatus.resolve(status);
    String message = status >= 500 || known == null ? "Internal server error"
        : status == 400 ? "Malformed request" : known.getReasonPhrase();
    return ErrorBodies.json(ErrorCode.forStatus(status), message);
  }
}
