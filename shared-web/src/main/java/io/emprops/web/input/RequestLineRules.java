package io.emprops.web.input;

import io.emprops.web.api.ErrorBodies;
import io.emprops.web.api.ErrorCode;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.springframework.http.MediaType;
import org.springframework.web.filter.OncePerRequestFilter;

/** {@link QueryRules} for a servlet service: 400 in the envelope before any handler runs. */
public class RequestLineRules extends OncePerRequestFilter {

  @Override
  protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    var violation = QueryRules.firstViolation(request.getRequestURI(), request.getQueryString());
    if (violation.isEmpty()) {
      chain.doFilter(request, response);
      return;
    }
    byte[] body = ErrorBodies.json(ErrorCode.VALIDATION_FAILED, "Validation failed", List.of(violation.get()))
        .getBytes(StandardCharsets.UTF_8);
    response.setStatus(ErrorCode.VALIDATION_FAILED.status());
    response.setContentType(MediaType.APPLICATION_JSON_VALUE);
    response.setContentLength(body.length);
    response.getOutputStream().write(body);
  }
}
