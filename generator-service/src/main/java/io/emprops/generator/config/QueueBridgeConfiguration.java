package io.emprops.generator.config;

import io.emprops.generator.queue.JobQueueClient;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Clock;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.json.JsonMapper;

/**
 * Redis: the job queue the generator submits to, and the client the instances relay events with
 * ({@code JobEventRelay}).
 */
@Configuration(proxyBeanMethods = false)
public class QueueBridgeConfiguration {

  @Bean(destroyMethod = "shutdown")
  RedisClient redisClient(@Value("${spring.data.redis.url}") String url) {
    return RedisClient.create(url);
  }

  @Bean(destroyMethod = "close")
  StatefulRedisConnection<String, String> queueConnection(RedisClient redis) {
    return redis.connect();
  }

  @Bean
  JobQueueClient jobQueueClient(StatefulRedisConnection<String, String> queueConnection, JsonMapper json) {
    return new JobQueueClient(queueConnection, json, Clock.systemUTC());
  }
}
