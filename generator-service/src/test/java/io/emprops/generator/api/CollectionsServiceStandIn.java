package io.emprops.generator.api;

import io.emprops.events.contract.CollectionCreated;
import io.emprops.events.contract.CollectionGenerationRejected;
import io.emprops.events.contract.CollectionGenerationRequested;
import io.emprops.events.contract.CollectionSnapshot;
import io.emprops.events.contract.CollectionStatus;
import io.emprops.events.contract.EventJson;
import io.emprops.events.contract.Topic;
import io.emprops.events.testing.EventDelivery;
import io.emprops.events.testing.TopicRecorder;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import tools.jackson.databind.node.ObjectNode;

/**
 * Stand-in for collections-service's side of {@code POST /api/collections/generate} (why not the
 * real one: it is a second Spring Boot application with its own schema and relay, which the
 * generator's test JVM does not run; its handler is tested in collections-service and the pair in
 * the end-to-end suite). It acts on the wire, by its contract: answers each
 * {@code CollectionGenerationRequested} with {@code CollectionCreated} as collections-service
 * publishes it (the steps renumbered to fresh component ids, the given id kept as {@code fromId}),
 * or with {@code CollectionGenerationRejected} for users in {@link #rejected}. Requests of users in
 * {@link #held} wait for {@link #release}.
 */
final class CollectionsServiceStandIn implements AutoCloseable {

  final Set<String> held = ConcurrentHashMap.newKeySet();
  final Set<String> rejected = ConcurrentHashMap.newKeySet();
  private final Map<UUID, CollectionGenerationRequested> requests = new ConcurrentHashMap<>();
  private final Set<UUID> answered = ConcurrentHashMap.newKeySet();
  private final AtomicLong componentIds = new AtomicLong(7000);
  private final TopicRecorder recorder = new TopicRecorder(List.of(Topic.GENERATIONS.topicName()));
  private final EventDelivery collections = new EventDelivery(Topic.DEFAULT_NAMESPACE);
  private volatile boolean running = true;
  private final Thread loop;

  CollectionsServiceStandIn() {
    loop = Thread.ofPlatform().daemon(true).name("collections-counterpart").start(this::answer);
  }

  private void answer() {
    while (running) {
      for (var record : recorder.recordsOf(Topic.GENERATIONS.topicName())) {
        if (!"CollectionGenerationRequested.v1".equals(TopicRecorder.header(record, "eventType"))) {
          continue;
        }
        CollectionGenerationRequested request =
            EventJson.deserialize(record.value(), CollectionGenerationRequested.class);
        requests.putIfAbsent(request.collectionId(), request);
        if (!held.contains(request.userId()) && answered.add(request.collectionId())) {
          decide(request);
        }
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  /** The requests received for the user's collections. */
  List<CollectionGenerationRequested> requestsOf(String userId) {
    return requests.values().stream().filter(r -> r.userId().equals(userId)).toList();
  }

  /** Answers the user's held requests now, and the next ones as they come. */
  void release(String userId) {
    held.remove(userId);
    requestsOf(userId).forEach(r -> {
      if (answered.add(r.collectionId())) {
        decide(r);
      }
    });
  }

  private void decide(CollectionGenerationRequested request) {
    if (rejected.contains(request.userId())) {
      collections.send(new CollectionGenerationRejected(request.collectionId(), request.jobId(), request.userId(),
          "title: is not allowed by the stand-in", Instant.now()));
      return;
    }
    ObjectNode data = (ObjectNode) request.data().deepCopy();
    data.path("steps").forEach(step -> {
      ObjectNode s = (ObjectNode) step;
      s.put("fromId", s.get("id").asLong());
      s.put("id", componentIds.incrementAndGet());
    });
    Instant now = Instant.now();
    collections.send(new CollectionCreated(new CollectionSnapshot(request.collectionId(), UUID.randomUUID(),
        request.userId(), 0, request.title(), null, CollectionStatus.DRAFT, false, data, request.editions(),
        request.price(), request.blockchain(), null, null, false, null, false, false, false, now, now)));
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    loop.interrupt();
    loop.join(2000);
    recorder.close();
    collections.close();
  }
}
