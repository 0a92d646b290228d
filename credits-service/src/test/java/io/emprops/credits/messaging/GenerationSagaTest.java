package io.emprops.credits.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.emprops.credits.domain.Balance;
import io.emprops.credits.domain.CreditAccounts;
import io.emprops.events.contract.CreditsCharged;
import io.emprops.events.contract.CreditsReleased;
import io.emprops.events.contract.CreditsReservationRejected;
import io.emprops.events.contract.CreditsReserved;
import io.emprops.events.contract.DomainEvent;
import io.emprops.events.contract.EventCatalog;
import io.emprops.events.contract.EventHeaders;
import io.emprops.events.contract.EventJson;
import io.emprops.events.contract.GenerationCancelled;
import io.emprops.events.contract.GenerationCompleted;
import io.emprops.events.contract.GenerationFailed;
import io.emprops.events.contract.GenerationRequested;
import io.emprops.events.contract.TokenMinted;
import io.emprops.events.contract.Topic;
import io.emprops.events.testing.EventDelivery;
import io.emprops.events.testing.TopicRecorder;
import io.emprops.localstack.testing.EmbeddedInfrastructure;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The credits side of the generation saga over real Kafka: generator events are delivered as
 * the relay publishes them, and what credits-service publishes is read back from its topic.
 */
@SpringBootTest
@EmbeddedInfrastructure(app = "credits-service")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GenerationSagaTest {

  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final String CREDITS_TOPIC = Topic.CREDITS.topicName();

  @Autowired CreditAccounts accounts;
  @Autowired JdbcClient jdbc;
  private EventDelivery generator;
  private TopicRecorder published;

  @BeforeAll
  void connect() {
    generator = new EventDelivery(Topic.DEFAULT_NAMESPACE);
    published = new TopicRecorder(List.of(CREDITS_TOPIC));
  }

  @AfterAll
  void disconnect() throws InterruptedException {
    generator.close();
    published.close();
  }

  private static String newUser() {
    return "saga-" + UUID.randomUUID();
  }

  private <E extends DomainEvent> List<E> publishedFor(String userId, Class<E> type) {
    String eventType = EventCatalog.of(type).type();
    return published.recordsOf(CREDITS_TOPIC).stream()
        .filter(r -> userId.equals(r.key()))
        .filter(r -> eventType.equals(TopicRecorder.header(r, EventHeaders.EVENT_TYPE)))
        .map(r -> EventJson.deserialize(r.value(), type))
        .toList();
  }

  @Test
  void aRequestedJobIsReservedAndItsCompletionChargedOnceEvenWhenRedelivered() {
    String user = newUser();
    UUID job = UUID.randomUUID();
    generator.send(new GenerationRequested(job, user, UUID.randomUUID(), 40, 2, Instant.now()));

    await().atMost(WAIT).until(() -> !publishedFor(user, CreditsReserved.class).isEmpty());
    CreditsReserved reserved = publishedFor(user, CreditsReserved.class).getFirst();
    assertThat(reserved.jobId()).isEqualTo(job);
    assertThat(reserved.amount()).isEqualTo(40);
    assertThat(reserved.available()).isEqualTo(60);

    UUID completion = UUID.randomUUID();
    GenerationCompleted completed = new GenerationCompleted(job, user, UUID.randomUUID(), 30, List.of(), Instant.now());
    generator.send(completed, completion);
    generator.send(completed, completion); // redelivery of the same event

    await().atMost(WAIT).until(() -> !publishedFor(user, CreditsReleased.class).isEmpty());
    assertThat(publishedFor(user, CreditsCharged.class)).singleElement()
        .satisfies(charged -> assertThat(charged.amount()).isEqualTo(30));
    assertThat(publishedFor(user, CreditsReleased.class)).singleElement()
        .satisfies(released -> assertThat(released.amount()).isEqualTo(10));
    assertThat(accounts.balance(user)).isEqualTo(new Balance(70, 0, 70));
  }

  @Test
  void aJobTheAccountCannotAffordIsRejected() {
    String user = newUser();
    UUID job = UUID.randomUUID();
    generator.send(new GenerationRequested(job, user, UUID.randomUUID(), 500, 50, Instant.now()));

    await().atMost(WAIT).until(() -> !publishedFor(user, CreditsReservationRejected.class).isEmpty());
    CreditsReservationRejected rejected = publishedFor(user, CreditsReservationRejected.class).getFirst();
    assertThat(rejected.reason()).isEqualTo("INSUFFICIENT_CREDITS");
    assertThat(rejected.available()).isEqualTo(100);
    assertThat(accounts.balance(user).reserved()).isZero();
  }

  @Test
  void aRepeatedRequestIsAnsweredAgainWithoutHoldingTwice() {
    String user = newUser();
    UUID job = UUID.randomUUID();
    GenerationRequested request = new GenerationRequested(job, user, UUID.randomUUID(), 25, 1, Instant.now());
    generator.send(request);
    generator.send(request); // the generator asked again (new event id)

    await().atMost(WAIT).until(() -> publishedFor(user, CreditsReserved.class).size() == 2);
    assertThat(accounts.balance(user)).isEqualTo(new Balance(100, 25, 75));
  }

  @Test
  void aCancellationReleasesTheWholeHold() {
    String user = newUser();
    UUID job = UUID.randomUUID();
    generator.send(new GenerationRequested(job, user, UUID.randomUUID(), 60, 3, Instant.now()));
    await().atMost(WAIT).until(() -> !publishedFor(user, CreditsReserved.class).isEmpty());

    generator.send(new GenerationCancelled(job, user, UUID.randomUUID(), 0, Instant.now()));

    await().atMost(WAIT).until(() -> !publishedFor(user, CreditsReleased.class).isEmpty());
    assertThat(publishedFor(user, CreditsCharged.class)).isEmpty();
    assertThat(publishedFor(user, CreditsReleased.class).getFirst().amount()).isEqualTo(60);
    assertThat(accounts.balance(user)).isEqualTo(new Balance(100, 0, 100));
  }

  /**
   * A minted token's generation is paid by the mint: credits never reserved for it, and its end
   * (amount_spent 0) changes nothing — no ledger entry, no hold, no account opened, no
   * reservation row, nothing published — whether the owner has an account or not.
   */
  @Test
  void theEndOfATokensGenerationPaidByItsMintChangesNoAccountOrLedger() {
    String owner = newUser();
    assertThat(accounts.balance(owner)).isEqualTo(new Balance(100, 0, 100));
    String ownerWithoutAccount = newUser();
    UUID collection = UUID.randomUUID();
    UUID completedJob = TokenMinted.generationJobIdOf(collection, 1, "0x01");
    UUID failedJob = TokenMinted.generationJobIdOf(collection, 2, "0x02");
    UUID cancelledJob = TokenMinted.generationJobIdOf(collection, 3, "0x03");
    List<UUID> events = List.of(
        generator.send(new GenerationCompleted(completedJob, owner, collection, 0, List.of(), Instant.now())),
        generator.send(new GenerationFailed(failedJob, owner, collection, "GENERATION_FAILED", "worker died", 1, 0,
            Instant.now())),
        generator.send(new GenerationCancelled(cancelledJob, owner, collection, 0, Instant.now())),
        generator.send(new GenerationCompleted(TokenMinted.generationJobIdOf(collection, 4, "0x04"), ownerWithoutAccount,
            collection, 0, List.of(), Instant.now())));

    await().atMost(WAIT).until(() -> jdbc.sql("SELECT count(*) FROM inbox WHERE event_id IN (:ids)")
        .param("ids", events).query(Long.class).single() == events.size());
    assertThat(accounts.balance(owner)).isEqualTo(new Balance(100, 0, 100));
    assertThat(jdbc.sql("SELECT kind FROM ledger_entries WHERE user_id = ?").param(owner).query(String.class).list())
        .as("only the starting grant").containsExactly("grant");
    assertThat(jdbc.sql("SELECT count(*) FROM reservations WHERE user_id IN (?, ?)").param(owner)
        .param(ownerWithoutAccount).query(Long.class).single()).isZero();
    assertThat(jdbc.sql("SELECT count(*) FROM accounts WHERE user_id = ?").param(ownerWithoutAccount)
        .query(Long.class).single()).as("no account opened").isZero();
    assertThat(publishedFor(owner, CreditsCharged.class)).isEmpty();
    assertThat(publishedFor(owner, CreditsReleased.class)).isEmpty();
  }
}
