package io.emprops.devworker;

import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.util.Map;
import java.util.function.Supplier;

/**
 * What a real worker of the queue does with a step's {@code job_trace_id}/{@code job_span_id}: it
 * runs the step in a span of that trace, and every message it publishes about the step in a child
 * span. Recorded when the OpenTelemetry Java agent is attached ({@code ./run --otel}), else free.
 */
final class StepTracing {

  private final Tracer tracer = GlobalOpenTelemetry.getTracer("io.emprops.devworker");

  /** Runs a claimed step, in the trace its submitter gave it when it gave one. */
  <T> T runStep(Map<String, String> step, String stepId, String service, Supplier<T> work) {
    SpanContext submitted = SpanContext.createFromRemoteParent(step.getOrDefault("job_trace_id", ""),
        step.getOrDefault("job_span_id", ""), TraceFlags.getSampled(), TraceState.getDefault());
    Span span = tracer.spanBuilder("job_queue " + service + " process")
        .setParent(submitted.isValid() ? Context.root().with(Span.wrap(submitted)) : Context.root())
        .setSpanKind(SpanKind.CONSUMER)
        .setAttribute("messaging.system", "redis")
        .setAttribute("messaging.destination.name", "jobs:pending")
        .setAttribute("messaging.message.id", stepId)
        .setAttribute("emprops.queue.workflow_id", step.getOrDefault("workflow_id", ""))
        .startSpan();
    try (Scope ignored = span.makeCurrent()) {
      return work.get();
    } finally {
      span.end();
    }
  }

  /** Publishes a message about the step being run, as a child span of it. */
  void publish(String channel, Runnable publish) {
    if (!Span.current().getSpanContext().isValid()) {
      publish.run();
      return;
    }
    Span span = tracer.spanBuilder(channel + " publish")
        .setSpanKind(SpanKind.PRODUCER)
        .setAttribute("messaging.system", "redis")
        .setAttribute("messaging.destination.name", channel)
        .startSpan();
    try (Scope ignored = span.makeCurrent()) {
      publish.run();
    } finally {
      span.end();
    }
  }
}
