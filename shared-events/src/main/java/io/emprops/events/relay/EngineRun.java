package io.emprops.events.relay;

import io.debezium.embedded.Connect;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import io.debezium.engine.format.ChangeEventFormat;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.connect.source.SourceRecord;

/** One run of the embedded Debezium engine, on a thread of its own, from start to end. */
final class EngineRun {

  private final DebeziumEngine<RecordChangeEvent<SourceRecord>> engine;
  private final ExecutorService thread;
  /** Completed with the failure that ended the run, or empty when it ended as asked. */
  private final CompletableFuture<Optional<Throwable>> ended = new CompletableFuture<>();
  private volatile boolean streaming;

  private EngineRun(
      Properties properties,
      DebeziumEngine.ChangeConsumer<RecordChangeEvent<SourceRecord>> consumer,
      Runnable onEnd,
      String threadName) {
    this.engine = DebeziumEngine.create(ChangeEventFormat.of(Connect.class))
        .using(properties)
        .using(new DebeziumEngine.ConnectorCallback() {
          @Override
          public void pollingStarted() {
            streaming = true;
          }

          @Override
          public void pollingStopped() {
            streaming = false;
          }
        })
        .using((success, message, error) -> {
          streaming = false;
          ended.complete(success ? Optional.empty()
              : Optional.of(error != null ? error : new RelayException(message, null)));
          onEnd.run();
        })
        .notifying(consumer)
        .build();
    this.thread = Executors.newSingleThreadExecutor(runnable -> Thread.ofPlatform()
        .name(threadName).daemon(true).unstarted(runnable));
  }

  /**
   * @param onEnd called (on the engine's thread) when the run ends, for whatever reason
   */
  static EngineRun start(
      Properties properties,
      DebeziumEngine.ChangeConsumer<RecordChangeEvent<SourceRecord>> consumer,
      Runnable onEnd,
      String threadName) {
    EngineRun run = new EngineRun(properties, consumer, onEnd, threadName);
    run.thread.execute(run.engine);
    return run;
  }

  /** True once the engine polls the replication stream. */
  boolean streaming() {
    return streaming;
  }

  boolean hasEnded() {
    return ended.isDone();
  }

  /** Why the run ended on its own; empty while it runs or when it ended as asked. */
  Optional<Throwable> failure() {
    return ended.getNow(Optional.empty());
  }

  /**
   * Stops the engine cleanly: the batch in flight is finished and its offsets are stored, so the
   * next leader resumes exactly after it.
   */
  void stop(Duration timeout) {
    try {
      engine.close();
      ended.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (IOException | ExecutionException e) {
      throw new RelayException("the relay engine did not stop cleanly", e);
    } catch (TimeoutException e) {
      throw new RelayException("the relay engine did not stop within " + timeout, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      thread.shutdownNow();
    }
  }
}
