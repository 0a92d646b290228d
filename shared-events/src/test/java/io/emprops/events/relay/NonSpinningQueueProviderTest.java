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
 * The relay's queue provider inside Debezium's real {@link ChangeEventQueue}: an idle poller sleeps
 * instead of turning, data arriving on the relay's connection wakes it, the reader never sleeps,
 * and events still come through at once and in order.
 */
class NonSpinningQueueProviderTest {

  private static final Duration POLL_INTERVAL = Duration.ofMillis(5);
  private static final int EMPTY_POLLS = 10;

  record Event(int number) implements Sizeable {
    @Override
    public long objectSize() {
      return 16;
    }
  }

  @Test
  void anIdlePollerSleepsInsteadOfTurning() throws Exception {
    var ours = new NonSpinningQueueProvider<Event>(0, 0, TimeUnit.MILLISECONDS.toNanos(20));
    SizeAsks asks = sizeAsksPerEmptyPoll(ours, "idle");
    // Ours: asked before the wait, it sleeps past the poll interval, which then has expired.
    assertThat(asks.ours()).isLessThanOrEqualTo(3);
    assertThat(asks.debeziums()).isGreaterThan(asks.ours() * 5);
    assertThat(ours.parks()).isGreaterThanOrEqualTo(EMPTY_POLLS);
  }

  @Test
  void anAwakePollerWaitsAtAnEmptyQueueInsteadOfTurning() throws Exception {
    // Never quiet: changes came lately, so the poller stays awake, and still does not spin.
    var ours = new NonSpinningQueueProvider<Event>(TimeUnit.MINUTES.toNanos(5), TimeUnit.MINUTES.toNanos(5),
        TimeUnit.MINUTES.toNanos(5));
    SizeAsks asks = sizeAsksPerEmptyPoll(ours, "awake");
    // Ours: a look before the wait, one after it, one or two more in the interval's last millisecond.
    assertThat(asks.ours()).isLessThanOrEqualTo(6);
    assertThat(asks.debeziums()).isGreaterThan(asks.ours() * 5);
    assertThat(ours.parks()).isZero();
    assertThat(ours.awakeWaits()).isGreaterThanOrEqualTo(EMPTY_POLLS);
  }

  /** How often an empty poll asks the queue's size: of a queue over {@code ours}, and of Debezium's own queue. */
  private record SizeAsks(double ours, double debeziums) {}

  /** {@link SizeAsks} over {@link #EMPTY_POLLS} polls, each queue having passed one event from a reader first. */
  private static SizeAsks sizeAsksPerEmptyPoll(NonSpinningQueueProvider<Event> provider, String state)
      throws InterruptedException {
    var ours = new CountingProvider(provider);
    var debeziums = new CountingProvider(new DefaultQueueProvider<>());
    ChangeEventQueue<Event> ourQueue = queueOver(ours);
    ChangeEventQueue<Event> debeziumsQueue = queueOver(debeziums);
    enqueueFromAReader(ourQueue, 1);
    enqueueFromAReader(debeziumsQueue, 1);
    assertThat(ourQueue.poll()).hasSize(1);
    assertThat(debeziumsQueue.poll()).hasSize(1);
    ours.sizeAsks.set(0);
    debeziums.sizeAsks.set(0);

    pollEmpty(ourQueue);
    pollEmpty(debeziumsQueue);

    SizeAsks asks = new SizeAsks((double) ours.sizeAsks.get() / EMPTY_POLLS,
        (double) debeziums.sizeAsks.get() / EMPTY_POLLS);
    System.out.printf("size asks per empty %d ms poll (%s): ours %.1f, Debezium's own queue %.1f%n",
        POLL_INTERVAL.toMillis(), state, asks.ours(), asks.debeziums());
    return asks;
  }

  @Test
  void dataArrivingOnTheConnectionWakesAnAwakePollerWaitingAtAnEmptyQueue() throws Exception {
    // Awake, with a look that would wait five minutes: only the arrival ends it.
    NonSpinningQueueProvider<Event> provider = new NonSpinningQueueProvider<>(TimeUnit.MINUTES.toNanos(5),
        TimeUnit.MINUTES.toNanos(5), TimeUnit.MINUTES.toNanos(5), TimeUnit.MINUTES.toNanos(5));
    provider.enqueue(new Event(0));
    assertThat(provider.poll()).isEqualTo(new Event(0));
    assertAnArrivalEndsAPollersWait(provider);
    assertThat(provider.parks()).isZero();
    assertThat(provider.awakeWaits()).isEqualTo(1);
  }

  @Test
  void dataArrivingOnTheConnectionWakesASleepingPollerAndItsChangeIsDelivered() throws Exception {
    // Quiet after a second; a sleep far longer than this test may take: only the arrival ends it.
    // No awake waits, so that only a sleep counts as waiting for an arrival.
    NonSpinningQueueProvider<Event> provider = new NonSpinningQueueProvider<>(TimeUnit.SECONDS.toNanos(1),
        TimeUnit.SECONDS.toNanos(1), TimeUnit.MINUTES.toNanos(5), 0);
    ChangeEventQueue<Event> queue = afterOneEventFromAReader(provider);

    // The engine's loop: poll until something comes.
    var firstBatch = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
      try {
        List<Event> batch;
        do {
          batch = queue.poll();
        } while (batch.isEmpty());
        return batch;
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
    }, runnable -> Thread.ofPlatform().name("poller").start(runnable));
    org.awaitility.Awaitility.await("the poller sleeps").atMost(Duration.ofSeconds(30))
        .until(() -> ConnectionActivity.waiting() > 0);

    // The reader: data arrives on its connection, it decodes the change and enqueues it (waiting
    // for the queue's lock, which the sleeping poller holds until the arrival wakes it).
    Thread reader = Thread.ofPlatform().start(() -> {
      try {
        ConnectionActivity.arrived();
        queue.enqueue(new Event(1));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    assertThat(firstBatch).succeedsWithin(Duration.ofSeconds(30))
        .asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.list(Event.class))
        .extracting(Event::number).containsExactly(1);
    reader.join();
    assertThat(provider.parks()).isPositive();
  }

  @Test
  void dataWithoutAChangeAKeepaliveWakesThePollerOnlyForTheGrace() throws Exception {
    // No awake waits, so that only a sleep counts as waiting for an arrival.
    NonSpinningQueueProvider<Event> provider = new NonSpinningQueueProvider<>(TimeUnit.MILLISECONDS.toNanos(100),
        TimeUnit.MILLISECONDS.toNanos(100), TimeUnit.MINUTES.toNanos(5), 0);
    ChangeEventQueue<Event> queue = afterOneEventFromAReader(provider);
    AtomicLong emptyPolls = new AtomicLong();
    Thread poller = Thread.ofPlatform().name("poller").start(() -> {
      try {
        while (!Thread.currentThread().isInterrupted()) {
          assertThat(queue.poll()).isEmpty();
          emptyPolls.incrementAndGet();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    try {
      org.awaitility.Awaitility.await("the poller sleeps").atMost(Duration.ofSeconds(30))
          .until(() -> ConnectionActivity.waiting() > 0);
      long parksBefore = provider.parks();
      ConnectionActivity.arrived();
      org.awaitility.Awaitility.await("woken, then asleep again after the grace").atMost(Duration.ofSeconds(30))
          .until(() -> provider.parks() > parksBefore && ConnectionActivity.waiting() > 0);
      assertThat(emptyPolls).as("polls while awake for the grace").hasValueGreaterThan(0);
    } finally {
      poller.interrupt();
      poller.join(TimeUnit.SECONDS.toMillis(10));
    }
  }

  @Test
  void whileEventsFlowNothingSleepsAndEveryEventComesThroughInOrder() throws Exception {
    NonSpinningQueueProvider<Event> provider = new NonSpinningQueueProvider<>(TimeUnit.SECONDS.toNanos(30),
        TimeUnit.SECONDS.toNanos(30), TimeUnit.MINUTES.toNanos(5));
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
  void theReaderNeverSleepsOnlyThePollerDoes() throws Exception {
    // Quiet at once and a sleep of five minutes: a reader that slept would not finish this test.
    NonSpinningQueueProvider<Event> provider = new NonSpinningQueueProvider<>(0, 0, TimeUnit.MINUTES.toNanos(5));
    provider.enqueue(new Event(0)); // this thread is the reader now
    assertThat(provider.poll()).isEqualTo(new Event(0));
    assertThat(provider.size()).isZero();
    assertThat(provider.parks()).isZero();

    assertAnArrivalEndsAPollersWait(provider);
    assertThat(provider.parks()).isEqualTo(1);
  }

  /** A poller (not the reader) asks the queue's size and waits; data arriving ends its wait. */
  private static void assertAnArrivalEndsAPollersWait(NonSpinningQueueProvider<Event> provider)
      throws InterruptedException {
    Thread poller = Thread.ofPlatform().name("poller").start(provider::size);
    org.awaitility.Awaitility.await("the poller waits").atMost(Duration.ofSeconds(10))
        .until(() -> ConnectionActivity.waiting() > 0);
    ConnectionActivity.arrived();
    poller.join(TimeUnit.SECONDS.toMillis(10));
    assertThat(poller.isAlive()).isFalse();
  }

  /** A queue over {@code provider} that has passed one event from a reader thread (which it now knows). */
  private static ChangeEventQueue<Event> afterOneEventFromAReader(NonSpinningQueueProvider<Event> provider)
      throws InterruptedException {
    ChangeEventQueue<Event> queue = queueOver(provider);
    enqueueFromAReader(queue, 0);
    assertThat(queue.poll()).hasSize(1);
    return queue;
  }

  private static void enqueueFromAReader(ChangeEventQueue<Event> queue, int number) throws InterruptedException {
    Thread reader = Thread.ofPlatform().start(() -> {
      try {
        queue.enqueue(new Event(number));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    reader.join();
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
