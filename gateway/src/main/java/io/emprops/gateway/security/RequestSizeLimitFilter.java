package io.emprops.gateway.security;

import io.emprops.gateway.config.GatewayProperties;
import io.emprops.gateway.errors.EnvelopeResponses;
import io.emprops.gateway.errors.PayloadTooLargeException;
import io.emprops.web.api.ErrorCode;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.core.Ordered;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpMethod;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.stereotype.Component;
import org.springframework.util.unit.DataSize;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Refuses bodies above the limit with 413 {@code PAYLOAD_TOO_LARGE}: at once when
 * {@code Content-Length} says so, otherwise as soon as a streamed (chunked) body crosses the
 * limit. Uploads ({@code POST /assets}) have their own, larger limit; the body is still streamed
 * through, never held.
 */
@Component
public class RequestSizeLimitFilter implements WebFilter, Ordered {

  private static final PathPattern UPLOADS = PathPatternParser.defaultInstance.parse("/assets");

  private final DataSize maxBodySize;
  private final DataSize maxUploadSize;

  public RequestSizeLimitFilter(GatewayProperties properties) {
    this.maxBodySize = properties.requestLimits().maxBodySize();
    this.maxUploadSize = properties.requestLimits().maxUploadSize();
  }

  @Override
  public int getOrder() {
    // Before authentication: an oversized body is refused before any work is spent on it.
    return Ordered.HIGHEST_PRECEDENCE + 20;
  }

  @Override
  public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
    ServerHttpRequest request = exchange.getRequest();
    DataSize limit = HttpMethod.POST.equals(request.getMethod())
        && UPLOADS.matches(request.getPath().pathWithinApplication()) ? maxUploadSize : maxBodySize;
    long declared = request.getHeaders().getContentLength();
    if (declared > limit.toBytes()) {
      return EnvelopeResponses.write(exchange, ErrorCode.PAYLOAD_TOO_LARGE,
          new PayloadTooLargeException(limit).getMessage());
    }
    return chain.filter(exchange.mutate().request(new CountingRequest(request, limit)).build());
  }

  /** The request with a body that fails once more than {@code limit} bytes have been read. */
  private static final class CountingRequest extends ServerHttpRequestDecorator {

    private final DataSize limit;

    CountingRequest(ServerHttpRequest delegate, DataSize limit) {
      super(delegate);
      this.limit = limit;
    }

    @Override
    public Flux<DataBuffer> getBody() {
      AtomicLong seen = new AtomicLong();
      return super.getBody().handle((buffer, sink) -> {
        if (seen.addAndGet(buffer.readableByteCount()) > limit.toBytes()) {
          org.springframework.core.io.buffer.DataBufferUtils.release(buffer);
          sink.error(new PayloadTooLargeException(limit));
        } else {
          sink.next(buffer);
        }
      });
    }
  }
}
