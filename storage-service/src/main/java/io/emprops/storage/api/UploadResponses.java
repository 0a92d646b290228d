package io.emprops.storage.api;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.util.ContentCachingResponseWrapper;

/**
 * Makes the answer to {@code POST /assets} reach the client whole even when the service stops
 * reading the body early (a refused type, a file over the limit): the container then drops the
 * connection instead of reading gigabytes it does not want, and a chunked response would be cut
 * before its last chunk. So the (small) response is sent with its {@code Content-Length} and
 * flushed before the request ends, with {@code Connection: close}.
 */
@Component
@Order(Ordered.LOWEST_PRECEDENCE)
class UploadResponses extends OncePerRequestFilter {

  @Override
  protected boolean shouldNotFilter(HttpServletRequest request) {
    return !("POST".equals(request.getMethod()) && "/assets".equals(request.getRequestURI()));
  }

  @Override
  protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    ContentCachingResponseWrapper buffered = new ContentCachingResponseWrapper(response);
    try {
      chain.doFilter(request, buffered);
    } finally {
      if (buffered.getStatus() >= 400) {
        // The body may be partly unread: this connection cannot carry another request.
        buffered.setHeader("Connection", "close");
      }
      buffered.copyBodyToResponse();
      response.flushBuffer();
    }
  }
}
