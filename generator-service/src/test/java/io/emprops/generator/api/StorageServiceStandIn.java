package io.emprops.generator.api;

import io.emprops.events.contract.AssetStoreFailed;
import io.emprops.events.contract.AssetStored;
import io.emprops.events.contract.EventJson;
import io.emprops.events.contract.GenerationStepCompleted;
import io.emprops.events.contract.Topic;
import io.emprops.events.testing.EventDelivery;
import io.emprops.events.testing.TopicRecorder;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Stand-in for storage-service (why not the real one: a second application and an object store in
 * the generator's test JVM; the end-to-end suite runs them together). It acts on the wire, by its contract: answers each
 * {@code GenerationStepCompleted} written after it started, once per output file, with
 * {@code AssetStored} — a new asset whose CDN URL is {@code https://cdn.assets.test/<asset id>/<file>}
 * — or, for an output whose URL contains one of {@link #refused}, with {@code AssetStoreFailed}
 * ({@code REFUSED}). Outputs whose URL contains one of {@link #silent} get no answer until
 * {@link #store} answers them. Each asset's source (the worker's URL) is kept, so a test can tell
 * which result became which asset.
 */
public final class StorageServiceStandIn implements AutoCloseable {

  public static final String CDN = "https://cdn.assets.test/";

  public final Set<String> refused = ConcurrentHashMap.newKeySet();
  public final Set<String> silent = ConcurrentHashMap.newKeySet();
  private final Map<String, String> sourcesByUrl = new ConcurrentHashMap<>();
  private final Map<String, GenerationStepCompleted> held = new ConcurrentHashMap<>();
  private final Set<String> answered = ConcurrentHashMap.newKeySet();
  private final long startedMillis = System.currentTimeMillis();
  private final TopicRecorder outputs = new TopicRecorder(List.of(Topic.GENERATIONS.topicName()));
  private final EventDelivery assets = new EventDelivery(Topic.DEFAULT_NAMESPACE);
  private volatile boolean running = true;
  private final Thread loop;

  public StorageServiceStandIn() {
    // Started last: a thread started from a field initializer can read fields not yet assigned.
    loop = Thread.ofPlatform().daemon(true).name("storage-counterpart").start(this::answer);
  }

  private void answer() {
    while (running) {
      for (var record : outputs.recordsOf(Topic.GENERATIONS.topicName())) {
        if (record.timestamp() < startedMillis
            || !"GenerationStepCompleted.v1".equals(TopicRecorder.header(record, "eventType"))) {
          continue;
        }
        GenerationStepCompleted output = EventJson.deserialize(record.value(), GenerationStepCompleted.class);
        if (!answered.add(identity(output))) {
          continue;
        }
        if (silent.stream().anyMatch(output.outputUrl()::contains)) {
          held.put(output.outputUrl(), output);
        } else if (refused.stream().anyMatch(output.outputUrl()::contains)) {
          assets.send(new AssetStoreFailed(output.jobId(), output.userId(), output.collectionId(), output.generation(),
              output.stepId(), output.fileIndex(), output.fileName(), AssetStoreFailed.REFUSED,
              "host is not on the output allow-list (test)", Instant.now()));
        } else {
          store(output);
        }
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  /** Answers a held-back output (its URL contains {@code urlPart}) now. @return whether one was held */
  public boolean store(String urlPart) {
    Optional<GenerationStepCompleted> output = held.values().stream()
        .filter(o -> o.outputUrl().contains(urlPart)).findFirst();
    output.ifPresent(o -> {
      held.remove(o.outputUrl());
      store(o);
    });
    return output.isPresent();
  }

  /** Whether an output whose URL contains {@code urlPart} is being held back. */
  public boolean holds(String urlPart) {
    return held.keySet().stream().anyMatch(url -> url.contains(urlPart));
  }

  private void store(GenerationStepCompleted output) {
    UUID asset = UUID.randomUUID();
    String cdnUrl = CDN + asset + "/" + output.fileName();
    sourcesByUrl.put(cdnUrl, output.outputUrl());
    assets.send(new AssetStored(asset, output.userId(), output.collectionId(), output.jobId(), output.generation(),
        output.stepId(), "s3://assets/" + asset + "/" + output.fileName(), cdnUrl, output.mimeType(), 1234,
        "0".repeat(64), Instant.now(), output.fileIndex()));
  }

  /** The worker's URL of the output stored at {@code durableUrl} (null for a URL this did not give out). */
  public String sourceOf(String durableUrl) {
    return durableUrl == null ? null : sourcesByUrl.get(durableUrl);
  }

  private static String identity(GenerationStepCompleted output) {
    return output.jobId() + ":" + output.generation() + ":" + output.stepId() + ":" + output.fileIndex();
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    loop.interrupt();
    loop.join(2000);
    outputs.close();
    assets.close();
  }
}
