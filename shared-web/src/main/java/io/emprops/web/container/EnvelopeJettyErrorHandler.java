package io.emprops.web.container;

import io.emprops.web.api.SecurityHeaders;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Jetty's error page in the envelope: what Jetty answers itself (a URI it cannot decode, a
 * request line or header it refuses) is JSON with a code and the security headers instead of an
 * HTML page naming the request and the server.
 */
public class EnvelopeJettyErrorHandler extends ErrorHandler {

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    int status = response.getStatus() >= 400 ? response.getStatus() : 500;
    byte[] body = ContainerErrors.body(status).getBytes(StandardCharsets.UTF_8);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
    SecurityHeaders.addMissing(name -> response.getHeaders().contains(name),
        (name, value) -> response.getHeaders().put(name, value));
    response.write(true, ByteBuffer.wrap(body), callback);
    return true;
  }
}
