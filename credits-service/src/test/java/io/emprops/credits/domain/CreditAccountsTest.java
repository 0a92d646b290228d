package io.emprops.credits.domain;

import static org.assertj.core.api.Assertions.assertThat;

import io.emprops.localstack.testing.EmbeddedInfrastructure;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;

/** The credit rules on the real schema, including under concurrency. */
@SpringBootTest
@EmbeddedInfrastructure(app = "credits-service")
class CreditAccountsTest {

  @Autowired CreditAccounts accounts;
  @Autowired JdbcClient jdbc;

  private static String newUser() {
    return "user-" + UUID.randomUUID();
  }

  @Test
  void concurrentFirstRequestsGrantTheStartingCreditsExactlyOnce() throws Exception {
    String user = newUser();
    List<Balance> seen = race(32, () -> accounts.balance(user));

    assertThat(seen).allSatisfy(b -> assertThat(b.balance()).isEqualTo(100));
    assertThat(jdbc.sql("SELECT count(*) FROM ledger_entries WHERE user_id = ? AND kind = 'grant'")
        .param(user).query(Long.class).single()).isEqualTo(1);
    CreditInvariants.assertHold(jdbc, user);
  }

  @Test
  void exactlyFloorOfAvailableOverCostReservationsSucceedWhen200Race() throws Exception {
    String user = newUser();
    accounts.grant(user, 900, "test funds", UUID.randomUUID().toString()); // 100 starting + 900
    long cost = 7;

    List<ReservationDecision> decisions = race(200, () -> accounts.reserve(UUID.randomUUID(), user, cost));

    long reserved = decisions.stream().filter(d -> d.outcome() == ReservationOutcome.RESERVED).count();
    long rejected = decisions.stream().filter(d -> d.outcome() == ReservationOutcome.REJECTED).count();
    assertThat(reserved).isEqualTo(1000 / cost);
    assertThat(rejected).isEqualTo(200 - 1000 / cost);
    Balance after = accounts.balance(user);
    assertThat(after.available()).isEqualTo(1000 % cost);
    CreditInvariants.assertHold(jdbc, user);
  }

  @Test
  void completionChargesWhatWasSpentAndReleasesTheRest() {
    String user = newUser();
    UUID job = UUID.randomUUID();
    assertThat(accounts.reserve(job, user, 40).outcome()).isEqualTo(ReservationOutcome.RESERVED);
    assertThat(accounts.balance(user)).isEqualTo(new Balance(100, 40, 60));
    CreditInvariants.assertHold(jdbc, user);

    Settlement settlement = accounts.settle(job, user, 30, "completed");

    assertThat(settlement.charged()).isEqualTo(30);
    assertThat(settlement.released()).isEqualTo(10);
    assertThat(accounts.balance(user)).isEqualTo(new Balance(70, 0, 70));
    CreditInvariants.assertHold(jdbc, user);
  }

  @Test
  void aDuplicateReservationHoldsNothingMore() {
    String user = newUser();
    UUID job = UUID.randomUUID();
    accounts.reserve(job, user, 30);
    ReservationDecision again = accounts.reserve(job, user, 30);

    assertThat(again.outcome()).isEqualTo(ReservationOutcome.DUPLICATE);
    assertThat(accounts.balance(user).reserved()).isEqualTo(30);
    CreditInvariants.assertHold(jdbc, user);
  }

  @Test
  void repeatedAndConflictingSettlementsNeverMoveMoneyTwice() {
    String user = newUser();
    UUID job = UUID.randomUUID();
    accounts.reserve(job, user, 50);
    accounts.settle(job, user, 20, "completed");

    Settlement duplicate = accounts.settle(job, user, 20, "completed");
    Settlement releaseAfterCharge = accounts.settle(job, user, 0, "failed");

    assertThat(duplicate.happened()).isFalse();
    assertThat(releaseAfterCharge.happened()).isFalse();
    assertThat(accounts.balance(user)).isEqualTo(new Balance(80, 0, 80));
    CreditInvariants.assertHold(jdbc, user);
  }

  @Test
  void aFailureChargesOnlyTheWorkCompletedBeforeIt() {
    String user = newUser();
    UUID job = UUID.randomUUID();
    accounts.reserve(job, user, 60);
    Settlement failed = accounts.settle(job, user, 20, "failed");

    assertThat(failed.charged()).isEqualTo(20);
    assertThat(failed.released()).isEqualTo(40);
    assertThat(accounts.balance(user)).isEqualTo(new Balance(80, 0, 80));
    CreditInvariants.assertHold(jdbc, user);
  }

  @Test
  void anEndSeenBeforeItsReservationClosesTheJobSoNoCreditsAreTaken() {
    String user = newUser();
    UUID job = UUID.randomUUID();
    Settlement early = accounts.settle(job, user, 0, "cancelled");
    ReservationDecision late = accounts.reserve(job, user, 30);

    assertThat(early.happened()).isFalse();
    assertThat(late.outcome()).isEqualTo(ReservationOutcome.TOO_LATE);
    assertThat(accounts.balance(user)).isEqualTo(new Balance(100, 0, 100));
    CreditInvariants.assertHold(jdbc, user);
  }

  @Test
  void neverChargesMoreThanWasReserved() {
    String user = newUser();
    UUID job = UUID.randomUUID();
    accounts.reserve(job, user, 10);
    Settlement settlement = accounts.settle(job, user, 25, "completed");

    assertThat(settlement.charged()).isEqualTo(10);
    assertThat(accounts.balance(user)).isEqualTo(new Balance(90, 0, 90));
    CreditInvariants.assertHold(jdbc, user);
  }

  @Test
  void concurrentSettlementsOfOneJobSettleItOnce() throws Exception {
    String user = newUser();
    UUID job = UUID.randomUUID();
    accounts.reserve(job, user, 50);

    List<Settlement> settlements = race(16, () -> accounts.settle(job, user, 50, "completed"));

    assertThat(settlements.stream().filter(Settlement::happened).count()).isEqualTo(1);
    assertThat(accounts.balance(user)).isEqualTo(new Balance(50, 0, 50));
    CreditInvariants.assertHold(jdbc, user);
  }

  @Test
  void aGrantKeyCreditsOnce() {
    String user = newUser();
    String key = UUID.randomUUID().toString();
    assertThat(accounts.grant(user, 25, "bonus", key)).isPresent();
    assertThat(accounts.grant(user, 25, "bonus", key)).isEmpty();
    assertThat(accounts.balance(user).balance()).isEqualTo(125);
    CreditInvariants.assertHold(jdbc, user);
  }

  private static <T> List<T> race(int callers, Callable<T> call) throws Exception {
    try (ExecutorService pool = Executors.newFixedThreadPool(Math.min(callers, 32))) {
      List<Future<T>> futures = new ArrayList<>();
      for (int i = 0; i < callers; i++) {
        futures.add(pool.submit(call));
      }
      List<T> results = new ArrayList<>();
      for (Future<T> f : futures) {
        results.add(f.get());
      }
      return results;
    }
  }
}
