package io.emprops.web.container;

import io.emprops.web.api.SecurityHeaders;
import java.io.IOException;
import java.io.Writer;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;

/**
 * Tomcat's error report in the envelope: what Tomcat answers itself — a URI it cannot decode
 * ({@code /collections/%ff}), a request rejected before Spring MVC — is JSON with a code and the
 * security headers instead of an HTML page naming the server.
 */
public class EnvelopeErrorReportValve extends ErrorReportValve {

  @Override
  protected void report(Request request, Response response, Throwable throwable) {
    int status = response.getStatus();
    if (status < 400 || response.getContentWritten() > 0) {
      return;
    }
    try {
      response.setContentType("application/json");
      response.setCharacterEncoding("UTF-8");
      SecurityHeaders.addMissing(response::containsHeader, response::setHeader);
      Writer writer = response.getReporter();
      if (writer != null) {
        writer.write(ContainerErrors.body(status));
        response.finishResponse();
      }
    } catch (IOException | IllegalStateException e) {
      // The connection is gone or the response committed: nothing more can be said.
    }
  }
}
