package io.emprops.generator.config;

import org.springframework.boot.tomcat.ConfigurableTomcatWebServerFactory;
import org.springframework.boot.tomcat.TomcatConnectorCustomizer;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * An idle job event stream is mostly the web server's per-connection buffers. Requests here are
 * small (a path and the gateway's headers) and events are written in small frames, so 4 KB socket
 * buffers instead of 8 KB keep 10,000 open streams within a 1 GB heap (README, figures).
 */
@Configuration(proxyBeanMethods = false)
class StreamingServerConfiguration {

  static final String SOCKET_BUFFER_BYTES = "4096";

  @Bean
  WebServerFactoryCustomizer<ConfigurableTomcatWebServerFactory> smallSocketBuffers() {
    return factory -> factory.addConnectorCustomizers((TomcatConnectorCustomizer) connector -> {
      connector.setProperty("socket.appReadBufSize", SOCKET_BUFFER_BYTES);
      connector.setProperty("socket.appWriteBufSize", SOCKET_BUFFER_BYTES);
    });
  }
}
