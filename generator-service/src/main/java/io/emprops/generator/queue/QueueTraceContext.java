package io.emprops.generator.queue;

import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.util.Map;

/**
 * The job queue's trace fields (JOB-QUEUE.md: {@code job_trace_id}, {@code job_span_id},
 * {@code workflow_trace_id}, {@code workflow_span_id}), so that one generation is one trace across
 * the queue: a step is submitted with the ids of the span current then (the handler of the
 * generation's {@code CreditsReserved}, under the OpenTelemetry Java agent), workers continue that
 * trace, and what a worker reports about the step is handled in it again. Outside a span, or
 * without an agent, the fields stay empty as before and nothing is recorded.
 */
public record QueueTraceContext(String jobTraceId, String jobSpanId, String workflowTraceId, String workflowSpanId) {

  private static final String TRACER = "io.emprops.generator";

  /** The submission's own ids where it has them, else the current span's. */
  static QueueTraceContext of(StepSubmission step) {
    SpanContext current = Span.current().getSpanContext();
    String traceId = current.isValid() ? current.getTraceId() : "";
    String spanId = current.isValid() ? current.getSpanId() : "";
    return new QueueTraceContext(
        orElse(step.jobTraceId(), traceId), orElse(step.jobSpanId(), spanId),
        orElse(step.workflowTraceId(), traceId), orElse(step.workflowSpanId(), spanId));
  }

  /**
   * Runs {@code handling} of a worker's {@code channel} message about {@code stepId} in a span of
   * the step's trace, read from the step's hash ({@code job_trace_id}, {@code job_span_id}).
   */
  public static void continueTrace(Map<String, String> stepHash, String channel, String stepId, Runnable handling) {
    SpanContext submitted = SpanContext.createFromRemoteParent(
        stepHash.getOrDefault("job_trace_id", ""), stepHash.getOrDefault("job_span_id", ""),
        TraceFlags.getSampled(), TraceState.getDefault());
    if (!submitted.isValid()) {
      handling.run();
      return;
    }
    Span span = GlobalOpenTelemetry.getTracer(TRACER).spanBuilder("job_queue " + channel + " process")
        .setParent(Context.root().with(Span.wrap(submitted)))
        .setSpanKind(SpanKind.CONSUMER)
        .setAttribute("messaging.system", "redis")
        .setAttribute("messaging.destination.name", channel)
        .setAttribute("messaging.message.id", stepId)
        .setAttribute("emprops.queue.workflow_id", stepHash.getOrDefault("workflow_id", ""))
        .setAttribute("emprops.queue.worker_id", stepHash.getOrDefault("worker_id", ""))
        .startSpan();
    try (Scope ignored = span.makeCurrent()) {
      handling.run();
    } catch (RuntimeException | Error e) {
      span.recordException(e);
      span.setStatus(StatusCode.ERROR);
      throw e;
    } finally {
      span.end();
    }
  }

  private static String orElse(String value, String fallback) {
    return value == null || value.isEmpty() ? fallback : value;
  }
}
