package io.emprops.generator.domain.execution;

import io.emprops.generator.queue.JobQueueClient;
import io.emprops.generator.queue.QueueEvent;
import io.emprops.generator.queue.QueueSubscriber;
import io.emprops.generator.queue.QueueTraceContext;
import io.emprops.generator.queue.StepState;
import io.emprops.jobqueue.QueueKeys;
import io.lettuce.core.RedisClient;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * Follows the job queue's channels and applies what they say about our steps. Messages are
 * hints: a completion or failure is confirmed from the step's hash before it counts
 * (JOB-QUEUE.md: terminality comes from the hash), and a message about a submission we do not
 * know (another client's step, or one we replaced) changes nothing.
 */
@Component
public class QueueEventHandler implements SmartLifecycle {

  private static final Logger log = LoggerFactory.getLogger(QueueEventHandler.class);

  private final RedisClient redis;
  private final JsonMapper json;
  private final JobExecution execution;
  private final OwnSubmissions ours;
  private final JobQueueClient queue;
  /** Per message type: handling time, and time waiting in its lane behind earlier messages. */
  private final Map<Class<?>, Timer> handling;
  private final Map<Class<?>, Timer> waiting;
  private final Counter coalesced;
  /** Per step, the number of the last progress report received and not yet handled. */
  private final Map<String, Long> progressReports = new ConcurrentHashMap<>();
  // Handling does database and Redis I/O, so never on the Redis I/O thread that delivered the
  // message; a step's messages always go to the same lane, so they are handled in arrival order.
  // Platform threads: a virtual one is woken twice per database round trip (the poller, then a
  // carrier), measured at 0.7-1 ms more per progress message.
  private static final int LANES = 16;
  private final ExecutorService[] lanes = new ExecutorService[LANES];
  private volatile QueueSubscriber subscriber;

  public QueueEventHandler(RedisClient redis, JsonMapper json, JobExecution execution, OwnSubmissions ours,
      JobQueueClient queue, MeterRegistry meters) {
    this.redis = redis;
    this.json = json;
    this.execution = execution;
    this.ours = ours;
    this.queue = queue;
    for (int i = 0; i < LANES; i++) {
      lanes[i] = Executors.newSingleThreadExecutor(Thread.ofPlatform().name("queue-events-" + i).daemon(true).factory());
    }
    Map<Class<?>, Timer> handling = new HashMap<>();
    Map<Class<?>, Timer> waiting = new HashMap<>();
    for (Class<?> type : QueueEvent.class.getPermittedSubclasses()) {
      String name = type.getSimpleName().toLowerCase(Locale.ROOT);
      handling.put(type, Timer.builder("generator_queue_messages").tag("type", name)
          .description("Job-queue messages about our steps, handled").publishPercentiles(0.5, 0.99).register(meters));
      waiting.put(type, Timer.builder("generator_queue_message_wait").tag("type", name)
          .description("Job-queue messages, from receipt until their lane handles them (behind the step's earlier messages)")
          .publishPercentiles(0.5, 0.99).register(meters));
    }
    this.handling = Map.copyOf(handling);
    this.waiting = Map.copyOf(waiting);
    this.coalesced = Counter.builder("generator_queue_progress_coalesced_total")
        .description("Progress reports skipped because a later one of the same step was already waiting").register(meters);
  }

  void handle(QueueEvent event) {
    handling.get(event.getClass()).record(() -> {
      switch (event) {
        case QueueEvent.Claimed claimed -> execution.onClaimed(claimed.stepId(), claimed.workerId());
        case QueueEvent.Progress progress ->
            execution.onProgress(progress.stepId(), progress.workerId(), progress.progress(), progress.message());
        case QueueEvent.Completed completed -> {
          StepState state = queue.read(completed.stepId());
          if (state.isCompleted()) {
            QueueTraceContext.continueTrace(state.fields(), QueueKeys.CHANNEL_COMPLETED, completed.stepId(), () ->
                execution.onCompleted(completed.stepId(), StepOutput.fromQueueResult(
                    state.completedResult().map(json::readTree).orElse(completed.result()))));
          }
        }
        case QueueEvent.Failed failed -> {
          StepState state = queue.read(failed.stepId());
          // A retryable failure sends the step back to pending; only a failed hash is final.
          if (state.isFailed()) {
            QueueTraceContext.continueTrace(state.fields(), QueueKeys.CHANNEL_FAILED, failed.stepId(), () ->
                execution.onFailed(failed.stepId(), failureText(state, failed.error())));
          }
        }
      }
    });
  }

  /** The failure as the queue recorded it ({@code jobs:failed}, then the hash), else as the message said. */
  String failureText(StepState state, String fallback) {
    String recorded = state.failure().map(entry -> {
      try {
        var node = json.readTree(entry).get("error");
        return node == null || node.isNull() ? null : node.isString() ? node.asString() : node.toString();
      } catch (RuntimeException e) {
        return entry;
      }
    }).orElse(null);
    if (recorded != null && !recorded.isBlank()) {
      return recorded;
    }
    return state.error().orElse(fallback == null || fallback.isBlank() ? "the worker gave no reason" : fallback);
  }

  @Override
  public void start() {
    subscriber = new QueueSubscriber(redis, json, stepId -> true, event -> {
      long report = event instanceof QueueEvent.Progress ? progressReports.merge(event.stepId(), 1L, Long::sum) : 0;
      long received = System.nanoTime();
      laneOf(event.stepId()).execute(() -> {
        waiting.get(event.getClass()).record(System.nanoTime() - received, TimeUnit.NANOSECONDS);
        try {
          if (event instanceof QueueEvent.Progress && isSuperseded(event.stepId(), report)) {
            coalesced.increment();
            return;
          }
          if (ours.isOurs(event.stepId())) {
            handle(event);
          }
        } catch (RuntimeException e) {
          log.warn("Handling a queue message for step {} failed; the reconciler will catch up", event.stepId(), e);
        }
      });
    });
  }

  /**
   * Whether a later progress report of the step waits in its lane: this one's value is
   * superseded (reports only go forward), and handling it would only delay the messages behind
   * it — a burst of reports becomes one. A completion never supersedes a report: the last value
   * a worker reported is delivered before its completion.
   */
  private boolean isSuperseded(String stepId, long report) {
    Long latest = progressReports.get(stepId);
    if (latest != null && latest > report) {
      return true;
    }
    progressReports.remove(stepId, report);
    return false;
  }

  @Override
  public void stop() {
    QueueSubscriber current = subscriber;
    subscriber = null;
    if (current != null) {
      current.close();
    }
    for (ExecutorService lane : lanes) {
      lane.shutdown();
    }
  }

  private ExecutorService laneOf(String stepId) {
    return lanes[Math.floorMod(stepId.hashCode(), LANES)];
  }

  @Override
  public boolean isRunning() {
    return subscriber != null;
  }
}
