package io.emprops.gateway.input;

import io.emprops.gateway.errors.EnvelopeResponses;
import io.emprops.web.api.ApiResponse;
import io.emprops.web.api.ErrorBodies;
import io.emprops.web.api.ErrorCode;
import io.emprops.web.input.QueryRules;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.springframework.core.Ordered;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * The services' request-line rules ({@link QueryRules}) applied at the edge, so that a malformed
 * escape or an encoded NUL never travels further: 400 in the envelope, naming the parameter.
 */
@Component
public class RequestLineFilter implements WebFilter, Ordered {

  @Override
  public int getOrder() {
    return Ordered.HIGHEST_PRECEDENCE + 10;
  }

  @Override
  public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
    var uri = exchange.getRequest().getURI();
    Optional<ApiResponse.FieldError> violation = QueryRules.firstViolation(uri.getRawPath(), uri.getRawQuery());
    if (violation.isEmpty()) {
      return chain.filter(exchange);
    }
    byte[] body = ErrorBodies.json(ErrorCode.VALIDATION_FAILED, "Validation failed", List.of(violation.get()))
        .getBytes(StandardCharsets.UTF_8);
    return EnvelopeResponses.write(exchange.getResponse(), ErrorCode.VALIDATION_FAILED, body);
  }
}
