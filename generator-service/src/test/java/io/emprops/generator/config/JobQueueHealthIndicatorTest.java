package io.emprops.generator.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.emprops.localstack.testing.SharedInfrastructure;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.KillArgs;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import org.junit.jupiter.api.Test;
import org.springframework.boot.health.contributor.Status;

/** The job queue's readiness component on real Redis: UP while it answers, DOWN once the connection is gone. */
class JobQueueHealthIndicatorTest {

  @Test
  void upWhileRedisAnswersAndDownWhenTheQueueConnectionIsLost() {
    RedisClient client = RedisClient.create(SharedInfrastructure.get().redis().url());
    client.setOptions(ClientOptions.builder().autoReconnect(false).build());
    try (StatefulRedisConnection<String, String> queue = client.connect();
        StatefulRedisConnection<String, String> admin = client.connect()) {
      JobQueueHealthIndicator health = new JobQueueHealthIndicator(queue);
      assertThat(health.health().getStatus()).isEqualTo(Status.UP);

      // Redis drops the queue connection (as on a restart or a network cut).
      assertThat(admin.sync().clientKill(KillArgs.Builder.id(queue.sync().clientId()))).isEqualTo(1);

      assertThat(health.health().getStatus()).isEqualTo(Status.DOWN);
    } finally {
      client.shutdown();
    }
  }
}
