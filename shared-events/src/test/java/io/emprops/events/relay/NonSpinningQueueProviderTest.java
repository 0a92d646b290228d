package io.emprops.events.relay;

import static org.assertj.core.api.Assertions.assertThat;

import io.debezium.connector.base.ChangeEventQueue;
import io.debezium.connector.base.DefaultQueueProvider;
import io.debezium.connector.base.QueueProvider;
import io.debezium.pipeline.Sizeable;
import io.debezium.util.LoggingContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The relay's queue provider inside Debezium's real {@link ChangeEventQueue}: an idle poll no
 * longer spins through its last millisecond, and events still come through at once and in order.
 */
class NonSpinningQueueProviderTest {

  private static final Duration POLL_INTERVAL = Duration.ofMillis(5);
  private static final int EMPTY_POLLS = 40;

  record Event(int number) implements Sizeable {
    @Override
    public long objectSize() {
      return 16;
    }
  }

  @Test
  void anIdlePollAsksTheQueueAFewTimesInsteadOfSpinningThroughItsLastMillisecond() throws Exception {
    var ours = new CountingProvider(new NonSpinningQueueProvider<>(0));
    var debeziums = new CountingProvider(new DefaultQueueProvider<>());

    pollEmpty(queueOver(ours));
    pollEmpty(queueOver(debeziums));

    double oursPerPoll = (double) ours.sizeAsks.get() / EMPTY_POLLS;
    double debeziumsPerPoll = (double) debeziums.sizeAsks.get() / EMPTY_POLLS;
    System.out.printf("size asks per empty %d ms poll: ours %.1f, Debezium's own queue %.1f%n",
        POLL_INTERVAL.toMillis(), oursPerPoll, debeziumsPerPoll);
    // A poll asks once before its wait and, once under a millisecond is left, on every turn of
    // the loop: a handful with a park per turn, hundreds to thousands without.
    assertThat(oursPerPoll).isLessThan(12);
    assertThat(debeziumsPerPoll).isGreaterThan(oursPerPoll * 5);
    assertThat(((NonSpinningQueueProvider<?>) ours.delegate).parks()).isPositive();
  }

  @Test
  void whileEventsFlowNothingParksAndEveryEventComesThroughInOrder() throws Exception {
    NonSpinningQueueProvider<Event> provider = new NonSpinningQueueProvider<>(TimeUnit.SECONDS.toNanos(30));
    ChangeEventQueue<Event> queue = queueOver(provider);
    List<Integer> received = new ArrayList<>();
    for (int batch = 0; batch < 20; batch++) {
      for (int i = 0; i < 5; i++) {
        queue.enqueue(new Event(batch * 5 + i));
      }
      queue.poll().forEach(event -> received.add(event.number()));
    }
    assertThat(received).hasSize(100);
    assertThat(received).isSorted();
    assertThat(provider.parks()).isZero();
  }

  @Test
  void anEventEnqueuedWhileThePollerIsParkedIsDeliveredByTheNextPoll() throws Exception {
    NonSpinningQueueProvider<Event> provider = new NonSpinningQueueProvider<>(0);
    ChangeEventQueue<Event> queue = queueOver(provider);
    Thread producer = Thread.ofPlatform().start(() -> {
      try {
        for (int i = 0; i < 50; i++) {
          queue.enqueue(new Event(i));
          Thread.sleep(1);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    List<Integer> received = new ArrayList<>();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (received.size() < 50 && System.nanoTime() < deadline) {
      queue.poll().forEach(event -> received.add(event.number()));
    }
    producer.join();
    assertThat(received).hasSize(50).isSorted().doesNotHaveDuplicates();
    assertThat(provider.parks()).isPositive();
  }

  private static void pollEmpty(ChangeEventQueue<Event> queue) throws InterruptedException {
    for (int i = 0; i < EMPTY_POLLS; i++) {
      assertThat(queue.poll()).isEmpty();
    }
  }

  private static ChangeEventQueue<Event> queueOver(QueueProvider<Event> provider) {
    provider.configure(Map.of("max.queue.size", "64"));
    return new ChangeEventQueue.Builder<Event>()
        .pollInterval(POLL_INTERVAL)
        .maxBatchSize(16)
        .maxQueueSize(64)
        .loggingContextSupplier(() -> LoggingContext.forConnector("test", "queue", "test"))
        .queueProvider(provider)
        .build();
  }

  /** Counts how often Debezium's poll loop asks the queue its size. */
  private static final class CountingProvider implements QueueProvider<Event> {
    final QueueProvider<Event> delegate;
    final AtomicLong sizeAsks = new AtomicLong();

    @SuppressWarnings({"unchecked", "rawtypes"})
    CountingProvider(QueueProvider delegate) {
      this.delegate = delegate;
    }

    @Override
    public String name() {
      return "counting";
    }

    @Override
    public void configure(Map<String, ?> properties) {
      delegate.configure(properties);
    }

    @Override
    public void enqueue(Event event) throws InterruptedException {
      delegate.enqueue(event);
    }

    @Override
    public Event poll() throws InterruptedException {
      return delegate.poll();
    }

    @Override
    public int size() {
      sizeAsks.incrementAndGet();
      return delegate.size();
    }
  }
}
