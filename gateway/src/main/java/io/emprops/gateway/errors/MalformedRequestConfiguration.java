package io.emprops.gateway.errors;

import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import reactor.netty.NettyPipeline;

/** Puts {@link MalformedRequestHandler} on every connection, right after the HTTP codec. */
@Configuration(proxyBeanMethods = false)
public class MalformedRequestConfiguration {

  private static final MalformedRequestHandler HANDLER = new MalformedRequestHandler();

  @Bean
  NettyServerCustomizer malformedRequestsInTheEnvelope() {
    return server -> server.doOnChannelInit((observer, channel, remoteAddress) -> {
      if (channel.pipeline().get(NettyPipeline.HttpCodec) != null) {
        channel.pipeline().addAfter(NettyPipeline.HttpCodec, MalformedRequestHandler.NAME, HANDLER);
      }
    });
  }
}
