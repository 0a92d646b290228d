package io.emprops.gateway.errors;

import io.emprops.web.api.ApiException;
import io.emprops.web.api.ApiResponse;
import io.emprops.web.api.ErrorCode;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.timeout.ReadTimeoutException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.webflux.error.ErrorWebExceptionHandler;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.security.authentication.AuthenticationServiceException;
import org.springframework.stereotype.Component;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import reactor.netty.channel.AbortedException;
import reactor.netty.http.client.PrematureCloseException;
import tools.jackson.databind.json.JsonMapper;

/**
 * Turns every failure that reaches the edge — no route, a downstream that refuses connections
 * or times out, an open circuit, a bug — into the API envelope with its code. Never a stack
 * trace: the details go to the log.
 */
@Component
@Order(-2) // before Boot's DefaultErrorWebExceptionHandler (-1)
public class EnvelopeErrorHandler implements ErrorWebExceptionHandler {

  private static final Logger log = LoggerFactory.getLogger(EnvelopeErrorHandler.class);

  /** A fetch of the issuer's keys is retried within seconds; so can the caller. */
  static final long CREDENTIALS_RETRY_AFTER_SECONDS = 2;

  private final JsonMapper json;

  public EnvelopeErrorHandler(JsonMapper json) {
    this.json = json;
  }

  @Override
  public Mono<Void> handle(ServerWebExchange exchange, Throwable error) {
    if (error instanceof ApiException apiError) {
      ApiResponse<Void> body = ApiResponse.failure(apiError.code(), apiError.getMessage(), apiError.details());
      return EnvelopeResponses.write(exchange.getResponse(), apiError.code(), json.writeValueAsBytes(body));
    }
    if (error instanceof AuthenticationServiceException) {
      // The credential could not be checked (the issuer's keys cannot be fetched): not the
      // caller's fault and not a verdict on its token, so retry soon rather than log in again.
      log.warn("{} {} answered 503, credentials cannot be verified now: {}", exchange.getRequest().getMethod(),
          exchange.getRequest().getPath(), error.toString());
      exchange.getResponse().getHeaders().set(HttpHeaders.RETRY_AFTER, Long.toString(CREDENTIALS_RETRY_AFTER_SECONDS));
      return EnvelopeResponses.write(exchange, ErrorCode.SERVICE_UNAVAILABLE,
          "Credentials cannot be verified right now; retry shortly");
    }
    ErrorCode code = codeFor(error);
    String message = messageFor(code, error);
    if (code == ErrorCode.INTERNAL) {
      log.error("{} {} failed", exchange.getRequest().getMethod(), exchange.getRequest().getPath(), error);
    } else if (code.status() >= 500) {
      log.warn("{} {} answered {}: {}", exchange.getRequest().getMethod(),
          exchange.getRequest().getPath(), code.status(), error.toString());
    }
    return EnvelopeResponses.write(exchange, code, message);
  }

  static ErrorCode codeFor(Throwable error) {
    if (error instanceof PayloadTooLargeException) {
      return ErrorCode.PAYLOAD_TOO_LARGE;
    }
    if (error instanceof ResponseStatusException statusError) {
      return codeForStatus(statusError.getStatusCode());
    }
    // e.g. the gateway's ServiceUnavailableException for an open circuit
    ResponseStatus declared = AnnotatedElementUtils.findMergedAnnotation(error.getClass(), ResponseStatus.class);
    if (declared != null) {
      return codeForStatus(declared.code());
    }
    for (Throwable cause = error; cause != null; cause = cause.getCause()) {
      if (cause instanceof TimeoutException || cause instanceof ReadTimeoutException) {
        return ErrorCode.GATEWAY_TIMEOUT;
      }
      if (cause instanceof ConnectException
          || cause instanceof ConnectTimeoutException
          || cause instanceof UnknownHostException
          || cause instanceof PrematureCloseException
          || cause instanceof ClosedChannelException
          // The service dropped the connection (it died while handling the request).
          || AbortedException.isConnectionReset(cause)
          || cause instanceof CallNotPermittedException) {
        return ErrorCode.SERVICE_UNAVAILABLE;
      }
    }
    return ErrorCode.INTERNAL;
  }

  private static ErrorCode codeForStatus(HttpStatusCode status) {
    return ErrorCode.forStatus(status.value());
  }

  private static String messageFor(ErrorCode code, Throwable error) {
    return switch (code) {
      case NOT_FOUND -> "No such endpoint";
      case METHOD_NOT_ALLOWED -> "Method not allowed";
      case PAYLOAD_TOO_LARGE -> error.getMessage();
      case UNSUPPORTED_MEDIA_TYPE -> "Unsupported media type";
      case NOT_ACCEPTABLE -> "Not acceptable";
      case VALIDATION_FAILED -> error instanceof ResponseStatusException rse && rse.getReason() != null
          ? rse.getReason() : "Bad request";
      case SERVICE_UNAVAILABLE -> "The service is temporarily unavailable";
      case GATEWAY_TIMEOUT -> "The service did not answer in time";
      case UNAUTHORIZED -> "Authentication required";
      case FORBIDDEN -> "Forbidden";
      default -> "Internal error";
    };
  }
}
