package io.emprops.generator.api;

import io.emprops.events.contract.CreditsReservationRejected;
import io.emprops.events.contract.CreditsReserved;
import io.emprops.events.contract.EventJson;
import io.emprops.events.contract.GenerationRequested;
import io.emprops.events.contract.Topic;
import io.emprops.events.testing.EventDelivery;
import io.emprops.events.testing.TopicRecorder;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Stand-in for credits-service (why not the real one: the generator's tests run in one JVM with the
 * generator's own context; credits-service is a second Spring Boot application with its schema and
 * relay — the end-to-end suite runs the two together). It acts on the wire, by its contract: answers each GenerationRequested
 * with CreditsReserved when the user's budget covers it, else CreditsReservationRejected. Users
 * in {@link #silent} get no answer (credits slow to decide).
 */
public final class CreditsServiceStandIn implements AutoCloseable {

  public final Map<String, Long> budgets = new ConcurrentHashMap<>();
  public final Set<String> silent = ConcurrentHashMap.newKeySet();
  private final Set<UUID> answered = ConcurrentHashMap.newKeySet();
  private final TopicRecorder requests = new TopicRecorder(List.of(Topic.GENERATIONS.topicName()));
  private final EventDelivery credits = new EventDelivery(Topic.DEFAULT_NAMESPACE);
  private volatile boolean running = true;
  private final Thread loop;

  public CreditsServiceStandIn() {
    // Started last: a thread started from a field initializer can read fields not yet assigned.
    loop = Thread.ofPlatform().daemon(true).name("credits-counterpart").start(this::answer);
  }

  private void answer() {
    while (running) {
      for (var record : requests.recordsOf(Topic.GENERATIONS.topicName())) {
        if (!"GenerationRequested.v1".equals(TopicRecorder.header(record, "eventType"))) {
          continue;
        }
        GenerationRequested request = EventJson.deserialize(record.value(), GenerationRequested.class);
        if (silent.contains(request.userId()) || !answered.add(request.jobId())) {
          continue;
        }
        decide(request);
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  /** Answers a request now (also one first held back for a silent user). */
  public void decide(GenerationRequested request) {
    long budget = budgets.getOrDefault(request.userId(), 100L);
    if (request.amount() <= budget) {
      budgets.put(request.userId(), budget - request.amount());
      credits.send(new CreditsReserved(request.jobId(), request.userId(), request.amount(), budget - request.amount(),
          Instant.now()));
    } else {
      credits.send(new CreditsReservationRejected(request.jobId(), request.userId(), request.amount(), budget,
          "INSUFFICIENT_CREDITS", Instant.now()));
    }
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    loop.interrupt();
    loop.join(2000);
    requests.close();
    credits.close();
  }
}
