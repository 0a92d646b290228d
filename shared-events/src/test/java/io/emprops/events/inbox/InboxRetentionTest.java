package io.emprops.events.inbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.emprops.events.testing.ServiceDatabase;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * How long a duplicate is still caught: within the retention a redelivered event is refused; after
 * the sweep has forgotten its claim it would be handled again. Ages are set on the rows themselves
 * (the rule compares with the database's clock), against a real inbox table.
 */
class InboxRetentionTest {

  private static ServiceDatabase database;
  private static Inbox inbox;

  @BeforeAll
  static void provision() {
    database = ServiceDatabase.provision("inbox_retention");
    inbox = new Inbox(database.dataSource(), database.schema());
  }

  @AfterAll
  static void release() {
    database.close();
  }

  @Test
  void duplicatesAreCaughtWithinTheRetentionAndClaimsOlderThanItAreForgotten() {
    UUID old = UUID.randomUUID();
    UUID recent = UUID.randomUUID();
    assertThat(claim(old)).isTrue();
    assertThat(claim(recent)).isTrue();
    ageClaim(old, Duration.ofHours(25));
    ageClaim(recent, Duration.ofHours(23));

    assertThat(claim(old)).as("still caught before the sweep, however old").isFalse();
    assertThat(inbox.purgeOlderThan(Duration.ofHours(24))).isEqualTo(1);
    assertThat(claim(recent)).as("within the retention: a duplicate").isFalse();
    assertThat(claim(old)).as("forgotten: a redelivery now would be handled again").isTrue();
  }

  @Test
  void theRetentionSweepRunsOnItsOwnAndKeepsRecentClaims() {
    UUID old = UUID.randomUUID();
    UUID recent = UUID.randomUUID();
    claim(old);
    claim(recent);
    ageClaim(old, Duration.ofDays(8));

    InboxRetention retention = new InboxRetention(inbox, Duration.ofDays(7), Duration.ofMillis(100));
    retention.start();
    try {
      assertThat(retention.isRunning()).isTrue();
      await().atMost(Duration.ofSeconds(10)).until(() -> !claimed(old));
      assertThat(claimed(recent)).isTrue();
    } finally {
      retention.stop();
    }
    assertThat(retention.isRunning()).isFalse();
  }

  private static boolean claim(UUID eventId) {
    return database.transactions().execute(status -> inbox.claim("retention-test", eventId, "Test.v1"));
  }

  private static boolean claimed(UUID eventId) {
    return database.jdbc().sql("SELECT count(*) FROM " + database.schema() + ".inbox WHERE event_id = ?")
        .param(eventId).query(Long.class).single() == 1;
  }

  private static void ageClaim(UUID eventId, Duration age) {
    database.jdbc().sql("UPDATE " + database.schema() + ".inbox SET handled_at = now() - make_interval(secs => ?)"
        + " WHERE event_id = ?").param((double) age.toSeconds()).param(eventId).update();
  }
}
