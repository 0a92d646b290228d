package io.emprops.generator.queue;

import io.emprops.jobqueue.QueueKeys;
import io.lettuce.core.RedisClient;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

/**
 * Follows the four channels and hands this service's steps to a listener. Every instance of the
 * generator subscribes, so whichever instance a client's stream is connected to sees the events.
 * Lettuce resubscribes after a reconnect; what was published meanwhile is lost, which the
 * reconciliation loop covers.
 */
public class QueueSubscriber implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(QueueSubscriber.class);
  static final String[] CHANNELS = {
      QueueKeys.CHANNEL_CLAIMED, QueueKeys.CHANNEL_PROGRESS, QueueKeys.CHANNEL_COMPLETED, QueueKeys.CHANNEL_FAILED};

  private final StatefulRedisPubSubConnection<String, String> connection;

  /**
   * @param isOurs whether a step id belongs to this service (others' steps are ignored)
   */
  public QueueSubscriber(RedisClient client, JsonMapper json, Predicate<String> isOurs, Consumer<QueueEvent> listener) {
    this.connection = client.connectPubSub();
    connection.addListener(new RedisPubSubAdapter<>() {
      @Override
      public void message(String channel, String message) {
        QueueEvent.parse(json, channel, message)
            .filter(event -> isOurs.test(event.stepId()))
            .ifPresent(event -> {
              try {
                listener.accept(event);
              } catch (RuntimeException e) {
                log.warn("Handling {} for step {} failed; reconciliation will catch up", channel, event.stepId(), e);
              }
            });
      }
    });
    connection.sync().subscribe(CHANNELS);
  }

  @Override
  public void close() {
    connection.close();
  }
}
