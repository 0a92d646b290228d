package io.emprops.generator.progress;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * @param heartbeat how often an idle stream gets a keep-alive (an SSE comment, a WebSocket ping),
 *     so that proxies do not close it (default 15 s)
 * @param maxDuration how long an SSE stream stays open at most, so that one whose job never ends
 *     does not live forever; the client reconnects with {@code Last-Event-ID} (default 30 min)
 */
@ConfigurationProperties("emprops.generator.stream")
public record JobStreamProperties(Duration heartbeat, Duration maxDuration) {

  public JobStreamProperties {
    heartbeat = heartbeat == null ? Duration.ofSeconds(15) : heartbeat;
    maxDuration = maxDuration == null ? Duration.ofMinutes(30) : maxDuration;
  }
}
