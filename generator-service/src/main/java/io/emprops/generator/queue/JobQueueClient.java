package io.emprops.generator.queue;

import io.emprops.jobqueue.QueueKeys;
import io.emprops.jobqueue.StepFields;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Writes and reads steps in the EmProps Job Queue's Redis exactly as the queue's own API does
 * (JOB-QUEUE.md). Each write is one Lua script, so it is atomic, and submission is keyed by the
 * step id, so a retried submit never enqueues a step twice.
 */
public class JobQueueClient {

  private static final String SUBMIT = script("submit-step.lua");
  private static final String GIVE_UP = script("give-up-step.lua");
  private static final String READ = script("read-step.lua");

  private final StatefulRedisConnection<String, String> connection;
  private final JsonMapper json;
  private final Clock clock;
  /** The submit script's SHA once loaded (reset when Redis forgot it). */
  private volatile String submitSha;

  public JobQueueClient(StatefulRedisConnection<String, String> connection, JsonMapper json, Clock clock) {
    this.connection = connection;
    this.json = json;
    this.clock = clock;
  }

  /** @return true when enqueued now, false when this step id was submitted before */
  public boolean submit(StepSubmission step) {
    Long result = redis().eval(SUBMIT, ScriptOutputType.INTEGER,
        new String[] {QueueKeys.job(step.stepId()), QueueKeys.PENDING}, arguments(step));
    return result != null && result == 1L;
  }

  private String[] arguments(StepSubmission step) {
    List<String> args = new ArrayList<>();
    args.add(step.stepId());
    args.add(Double.toString(step.score()));
    args.add(submittedMessage(step));
    hashFields(step).forEach((field, value) -> {
      args.add(field);
      args.add(value);
    });
    return args.toArray(String[]::new);
  }

  /**
   * Submits many steps in one pipeline (the script by its SHA, falling back to sending it when
   * Redis does not know it, e.g. after a restart). Each step is still atomic and keyed by its id.
   *
   * @return how many were enqueued now (the others had been submitted before)
   */
  public int submitAll(List<StepSubmission> steps) {
    if (steps.size() == 1) {
      return submit(steps.getFirst()) ? 1 : 0;
    }
    String sha = submitSha();
    List<RedisFuture<Long>> futures = new ArrayList<>();
    for (StepSubmission step : steps) {
      futures.add(connection.async().evalsha(sha, ScriptOutputType.INTEGER,
          new String[] {QueueKeys.job(step.stepId()), QueueKeys.PENDING}, arguments(step)));
    }
    int enqueued = 0;
    for (int i = 0; i < steps.size(); i++) {
      try {
        enqueued += Long.valueOf(1L).equals(futures.get(i).get(30, TimeUnit.SECONDS)) ? 1 : 0;
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof RedisNoScriptException)) {
          throw new RedisException("submitting step " + steps.get(i).stepId() + " failed", e.getCause());
        }
        submitSha = null;
        enqueued += submit(steps.get(i)) ? 1 : 0;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new RedisException("interrupted while submitting steps", e);
      } catch (TimeoutException e) {
        throw new RedisException("submitting step " + steps.get(i).stepId() + " timed out", e);
      }
    }
    return enqueued;
  }

  private String submitSha() {
    String sha = submitSha;
    if (sha == null) {
      sha = redis().scriptLoad(SUBMIT);
      submitSha = sha;
    }
    return sha;
  }

  /**
   * Cancels a step that is not finished: removes it from the pending set and tells its worker.
   *
   * @return the status it had before ({@code missing}, or {@code completed}/{@code failed} when it
   *     was already terminal and is left untouched)
   */
  public String cancel(String stepId, String reason) {
    return giveUp(stepId, reason, "cancel");
  }

  /**
   * Gives up a step that is not finished, written as the queue writes a permanent failure (with
   * {@code error} as its reason, in {@code jobs:failed}) and taken out of its worker's active set:
   * for a step we resubmit or fail, which is not a user's cancel.
   *
   * @return the status it had before ({@code missing}, or {@code completed}/{@code failed} when it
   *     was already terminal and is left untouched)
   */
  public String abandon(String stepId, String error) {
    return giveUp(stepId, error, "abandon");
  }

  private String giveUp(String stepId, String reason, String how) {
    Instant now = clock.instant();
    return redis().eval(GIVE_UP, ScriptOutputType.VALUE,
        new String[] {QueueKeys.job(stepId), QueueKeys.PENDING, QueueKeys.FAILED},
        stepId, now.toString(), Long.toString(now.toEpochMilli()), reason, how);
  }

  /** Everything the queue knows about a step, read atomically. */
  public StepState read(String stepId) {
    List<Object> parts = redis().eval(READ, ScriptOutputType.MULTI,
        new String[] {QueueKeys.job(stepId), QueueKeys.progress(stepId), QueueKeys.COMPLETED, QueueKeys.FAILED},
        stepId);
    long held = parts.size() > 4 && parts.get(4) instanceof Long flag ? flag : -1;
    return new StepState(pairs(parts.get(0)), pairs(parts.get(1)), text(parts.get(2)), text(parts.get(3)),
        held < 0 ? Optional.empty() : Optional.of(held == 1));
  }

  /** Whether the worker's heartbeat key exists (workers refresh it every 30 s with a 60 s TTL). */
  public boolean isWorkerAlive(String workerId) {
    return redis().exists(QueueKeys.heartbeat(workerId)) == 1L;
  }

  /** Whether the step is still waiting in {@code jobs:pending} (no worker has claimed it). */
  public boolean isPending(String stepId) {
    return redis().zscore(QueueKeys.PENDING, stepId) != null;
  }

  /** The hash fields, all strings, absent values as "" (the queue's own format). */
  Map<String, String> hashFields(StepSubmission step) {
    Map<String, String> fields = new LinkedHashMap<>();
    fields.put(StepFields.ID, step.stepId());
    fields.put(StepFields.SERVICE_REQUIRED, step.serviceRequired());
    fields.put(StepFields.PRIORITY, Integer.toString(step.priority()));
    fields.put(StepFields.PAYLOAD, step.payload());
    // No requirements: a key the workers do not know would make the step unmatchable forever.
    fields.put(StepFields.REQUIREMENTS, "");
    fields.put(StepFields.CUSTOMER_ID, orEmpty(step.customerId()));
    fields.put(StepFields.CREATED_AT, step.createdAt().toString());
    fields.put(StepFields.STATUS, StepFields.PENDING);
    fields.put(StepFields.RETRY_COUNT, "0");
    fields.put(StepFields.MAX_RETRIES, Integer.toString(step.maxRetries()));
    fields.put(StepFields.WORKFLOW_ID, step.workflowId());
    fields.put(StepFields.WORKFLOW_PRIORITY, Integer.toString(step.workflowPriority()));
    fields.put(StepFields.WORKFLOW_DATETIME, Long.toString(step.workflowDatetime()));
    fields.put(StepFields.CURRENT_STEP, Integer.toString(step.currentStep()));
    fields.put(StepFields.TOTAL_STEPS, Integer.toString(step.totalSteps()));
    // The generation's trace goes on in the queue and its workers (QueueTraceContext).
    QueueTraceContext trace = QueueTraceContext.of(step);
    fields.put(StepFields.JOB_TRACE_ID, trace.jobTraceId());
    fields.put(StepFields.JOB_SPAN_ID, trace.jobSpanId());
    fields.put(StepFields.WORKFLOW_TRACE_ID, trace.workflowTraceId());
    fields.put(StepFields.WORKFLOW_SPAN_ID, trace.workflowSpanId());
    fields.put(StepFields.CTX, orEmpty(step.ctx()));
    return fields;
  }

  private String submittedMessage(StepSubmission step) {
    ObjectNode message = json.createObjectNode();
    message.put("job_id", step.stepId());
    message.put("service_required", step.serviceRequired());
    message.put("priority", step.priority());
    message.set("payload", parseOrText(step.payload()));
    message.put("requirements", "");
    message.put("customer_id", orEmpty(step.customerId()));
    message.put("created_at", step.createdAt().toString());
    message.put("status", "pending");
    message.put("timestamp", clock.millis());
    message.put("workflow_id", step.workflowId());
    message.put("workflow_priority", step.workflowPriority());
    message.put("workflow_datetime", step.workflowDatetime());
    message.put("current_step", step.currentStep());
    message.put("total_steps", step.totalSteps());
    return json.writeValueAsString(message);
  }

  private JsonNode parseOrText(String payload) {
    try {
      return json.readTree(payload);
    } catch (RuntimeException e) {
      return json.getNodeFactory().textNode(payload);
    }
  }

  private RedisCommands<String, String> redis() {
    return connection.sync();
  }

  private static Map<String, String> pairs(Object flat) {
    Map<String, String> map = new LinkedHashMap<>();
    if (flat instanceof List<?> list) {
      for (int i = 0; i + 1 < list.size(); i += 2) {
        map.put(String.valueOf(list.get(i)), String.valueOf(list.get(i + 1)));
      }
    }
    return map;
  }

  private static Optional<String> text(Object value) {
    return value == null || value.toString().isEmpty() ? Optional.empty() : Optional.of(value.toString());
  }

  private static String orEmpty(String value) {
    return value == null ? "" : value;
  }

  private static String script(String name) {
    try (InputStream in = JobQueueClient.class.getResourceAsStream("/queue/" + name)) {
      if (in == null) {
        throw new IllegalStateException("missing script /queue/" + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
