package io.emprops.generator.config;

import io.emprops.generator.progress.JobEventRelay;
import io.emprops.generator.queue.JobQueueClient;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.json.JsonMapper;

/** Redis: the job queue the generator submits to, and the channel its instances relay events on. */
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

  @Bean(destroyMethod = "close")
  JobEventRelay jobEventRelay(RedisClient redis, JsonMapper json, MeterRegistry meters) {
    return new JobEventRelay(redis, json, meters);
  }
}
