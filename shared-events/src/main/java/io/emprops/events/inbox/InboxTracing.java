package io.emprops.events.inbox;

import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;
import java.util.List;
import java.util.function.Supplier;

/**
 * One span per handler and event, {@code <consumer> handle}, so a trace shows which handler of
 * which service ran for an event, with its outcome. It continues the producer's trace: a child of
 * the current span when the consumer is already traced (the OpenTelemetry Java agent opens a
 * {@code process} span from the record's {@code traceparent}), else a child of the producing span
 * itself; either way it links to the producing span, as messaging traces do across a broker.
 * Without the OpenTelemetry API, or without an agent or SDK behind it, nothing is recorded.
 */
interface InboxTracing {

  <T> T handle(String consumer, EventMetadata event, Supplier<T> handler);

  static InboxTracing detect() {
    try {
      Class.forName("io.opentelemetry.api.GlobalOpenTelemetry", false, InboxTracing.class.getClassLoader());
      return new OpenTelemetry();
    } catch (ClassNotFoundException | LinkageError e) {
      return new None();
    }
  }

  final class None implements InboxTracing {
    @Override
    public <T> T handle(String consumer, EventMetadata event, Supplier<T> handler) {
      return handler.get();
    }
  }

  final class OpenTelemetry implements InboxTracing {

    private static final TextMapGetter<String> TRACEPARENT = new TextMapGetter<>() {
      @Override
      public Iterable<String> keys(String carrier) {
        return List.of("traceparent");
      }

      @Override
      public String get(String carrier, String key) {
        return "traceparent".equals(key) ? carrier : null;
      }
    };

    private volatile Tracer tracer;

    @Override
    public <T> T handle(String consumer, EventMetadata event, Supplier<T> handler) {
      SpanContext producer = event.traceparent()
          .map(value -> Span.fromContext(W3CTraceContextPropagator.getInstance()
              .extract(Context.root(), value, TRACEPARENT)).getSpanContext())
          .orElse(SpanContext.getInvalid());
      SpanBuilder builder = tracer().spanBuilder(consumer + " handle")
          .setSpanKind(SpanKind.INTERNAL)
          .setAttribute("messaging.system", "kafka")
          .setAttribute("messaging.destination.name", event.topic())
          .setAttribute("messaging.message.id", event.eventId().toString())
          .setAttribute("emprops.event.type", event.eventType())
          .setAttribute("emprops.inbox.consumer", consumer);
      if (!Span.current().getSpanContext().isValid() && producer.isValid()) {
        builder.setParent(Context.root().with(Span.wrap(producer)));
      }
      if (producer.isValid()) {
        builder.addLink(producer);
      }
      Span span = builder.startSpan();
      try (Scope ignored = span.makeCurrent()) {
        T outcome = handler.get();
        span.setAttribute("emprops.inbox.outcome", String.valueOf(outcome).toLowerCase(java.util.Locale.ROOT));
        return outcome;
      } catch (RuntimeException | Error e) {
        span.recordException(e);
        span.setStatus(StatusCode.ERROR);
        throw e;
      } finally {
        span.end();
      }
    }

    private Tracer tracer() {
      Tracer current = tracer;
      if (current == null) {
        // Looked up on first use: an agent installs the global instance before, an SDK maybe after us.
        current = GlobalOpenTelemetry.getTracer("io.emprops.events");
        tracer = current;
      }
      return current;
    }
  }
}
