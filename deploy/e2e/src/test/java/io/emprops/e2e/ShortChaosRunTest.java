package io.emprops.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The short version of {@code ./run chaos} in {@code ./run test} (issue 20, item 5): on the shared
 * stack, after the journeys and the fuzz run and before the stack's restart, the chaos workload
 * for a minute and a half while the components on the money and image paths are killed ({@code
 * kill -9}) one at a time and restarted by the launcher: credits-service, generator-service, the
 * job queue's Redis, the development worker, Kafka and the object store. Every invariant of the
 * long run is checked (see {@link ChaosRun}); its report is in the test's output. (Postgres is
 * killed only in the long run, which starts it with {@code synchronous_commit} on: the shared
 * stack runs a bare {@code ./run}, whose Postgres may lose its last commits to a crash.)
 */
@ExtendWith(SharedStack.Extension.class)
@Order(3)
class ShortChaosRunTest {

  static final List<String> KILLED = List.of("credits-service", "generator-service", "redis", "dev-worker", "kafka",
      "s3");

  @Test
  void nothingIsLostOrDoubledWhileTheMoneyAndImagePathsAreKilled(SharedStack shared) throws Exception {
    assertThat(ChaosRun.on(shared.stack(), Duration.ofSeconds(90), KILLED))
        .as("the invariants of the chaos run that failed (its whole report is in the test's output)").isEmpty();
  }
}
