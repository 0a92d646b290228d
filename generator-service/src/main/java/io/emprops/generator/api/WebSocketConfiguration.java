package io.emprops.generator.api;

import io.emprops.web.api.ErrorBodies;
import io.emprops.web.api.ErrorCode;
import io.emprops.web.identity.CallerIdentity;
import io.emprops.web.identity.InternalAuthenticationFilter;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.ServerHttpRequest;
import org.springframework.http.server.ServerHttpResponse;
import org.springframework.http.server.ServletServerHttpRequest;
import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.config.annotation.EnableWebSocket;
import org.springframework.web.socket.config.annotation.WebSocketConfigurer;
import org.springframework.web.socket.config.annotation.WebSocketHandlerRegistry;
import org.springframework.web.socket.server.HandshakeInterceptor;

/** {@code WS /ws}: job events over a WebSocket, for the caller the gateway vouched for. */
@Configuration(proxyBeanMethods = false)
@EnableWebSocket
public class WebSocketConfiguration implements WebSocketConfigurer {

  private final JobEventsWebSocketHandler jobEvents;

  public WebSocketConfiguration(JobEventsWebSocketHandler jobEvents) {
    this.jobEvents = jobEvents;
  }

  @Override
  public void registerWebSocketHandlers(WebSocketHandlerRegistry registry) {
    registry.addHandler(jobEvents, "/ws")
        .addInterceptors(new CallerHandshake())
        // Any origin: browsers reach /ws only through the gateway, which owns the suite's
        // cross-origin policy, and the upgrade request must carry its internal credential.
        .setAllowedOriginPatterns("*");
  }

  /**
   * Takes the caller from the upgrade request, as verified by the internal-credential filter, and
   * refuses an anonymous one with 401: every job belongs to a user.
   */
  private static final class CallerHandshake implements HandshakeInterceptor {

    @Override
    public boolean beforeHandshake(ServerHttpRequest request, ServerHttpResponse response,
        WebSocketHandler handler, Map<String, Object> attributes) throws Exception {
      Object caller = request instanceof ServletServerHttpRequest servlet
          ? servlet.getServletRequest().getAttribute(InternalAuthenticationFilter.CALLER_ATTRIBUTE)
          : null;
      if (caller instanceof CallerIdentity identity && identity.isAuthenticated()) {
        attributes.put(JobEventsWebSocketHandler.USER_ID_ATTRIBUTE, identity.requireUserId());
        return true;
      }
      response.setStatusCode(HttpStatus.UNAUTHORIZED);
      response.getHeaders().setContentType(MediaType.APPLICATION_JSON);
      response.getBody().write(ErrorBodies.json(ErrorCode.UNAUTHORIZED, "Authentication required")
          .getBytes(StandardCharsets.UTF_8));
      return false;
    }

    @Override
    public void afterHandshake(ServerHttpRequest request, ServerHttpResponse response,
        WebSocketHandler handler, Exception exception) {
    }
  }
}
