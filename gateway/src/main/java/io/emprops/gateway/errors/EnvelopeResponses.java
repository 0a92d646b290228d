package io.emprops.gateway.errors;

import io.emprops.web.api.ErrorBodies;
import io.emprops.web.api.ErrorCode;
import io.emprops.web.api.SecurityHeaders;
import java.nio.charset.StandardCharsets;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/** Writes the gateway's own error answers in the API envelope. */
public final class EnvelopeResponses {

  private EnvelopeResponses() {}

  public static Mono<Void> write(ServerWebExchange exchange, ErrorCode code, String message) {
    return write(exchange.getResponse(), code, message);
  }

  public static Mono<Void> write(ServerHttpResponse response, ErrorCode code, String message) {
    return write(response, code, ErrorBodies.json(code, message).getBytes(StandardCharsets.UTF_8));
  }

  /** Writes {@code body}, an envelope already serialized, with the status of {@code code}. */
  public static Mono<Void> write(ServerHttpResponse response, ErrorCode code, byte[] body) {
    if (response.isCommitted()) {
      // Headers are gone already (a stream broke mid-way): nothing sensible can be added.
      return Mono.empty();
    }
    response.setStatusCode(HttpStatus.valueOf(code.status()));
    SecurityHeaders.addMissing(response.getHeaders()::containsHeader, response.getHeaders()::set);
    response.getHeaders().setContentType(MediaType.APPLICATION_JSON);
    response.getHeaders().setContentLength(body.length);
    DataBuffer buffer = response.bufferFactory().wrap(body);
    return response.writeWith(Mono.just(buffer));
  }
}
