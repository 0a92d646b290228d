package io.emprops.events.outbox;

import io.micrometer.tracing.Span;
import io.micrometer.tracing.TraceContext;
import io.micrometer.tracing.Tracer;
import java.util.Optional;
import org.springframework.beans.factory.ObjectProvider;

/**
 * The current span of Micrometer Tracing (what Spring Boot's tracing auto-configuration sets up),
 * when the service has a {@link Tracer}.
 */
public final class MicrometerTraceContextSource implements TraceContextSource {

  private final ObjectProvider<Tracer> tracers;
  private volatile Optional<Tracer> tracer;

  public MicrometerTraceContextSource(ObjectProvider<Tracer> tracers) {
    this.tracers = tracers;
  }

  @Override
  public Optional<Traceparent> current() {
    Span span = tracer().map(Tracer::currentSpan).orElse(null);
    if (span == null || span.isNoop()) {
      return Optional.empty();
    }
    TraceContext context = span.context();
    return Optional.of(Traceparent.of(context.traceId(), context.spanId(), Boolean.TRUE.equals(context.sampled())));
  }

  /** Resolved on first use: the tracer, if any, is created after this source. */
  private Optional<Tracer> tracer() {
    Optional<Tracer> resolved = tracer;
    if (resolved == null) {
      resolved = Optional.ofNullable(tracers.getIfAvailable());
      tracer = resolved;
    }
    return resolved;
  }
}
