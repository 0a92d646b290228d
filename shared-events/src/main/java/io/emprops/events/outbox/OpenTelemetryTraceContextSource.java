package io.emprops.events.outbox;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import java.util.Optional;

/**
 * The current span of the OpenTelemetry API, which the OpenTelemetry Java agent (attached in the
 * cluster deployment) populates for every traced request.
 */
public final class OpenTelemetryTraceContextSource implements TraceContextSource {

  @Override
  public Optional<Traceparent> current() {
    SpanContext context = Span.current().getSpanContext();
    if (!context.isValid()) {
      return Optional.empty();
    }
    return Optional.of(new Traceparent(context.getTraceId(), context.getSpanId(), context.isSampled()));
  }
}
