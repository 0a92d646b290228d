package io.emprops.events.relay;

import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import java.util.List;
import java.util.function.Supplier;

/**
 * Runs each send in the trace of the request that wrote the event (its {@code traceparent}), so
 * that a tracer watching the producer — the OpenTelemetry Java agent does — records the relay's
 * publish as a child of that request, and passes the trace on to the consumers. Without the
 * OpenTelemetry API on the classpath, or without an agent behind it, a send is just a send.
 */
interface RelayTracing {

  <T> T inTraceOf(String traceparent, Supplier<T> send);

  static RelayTracing detect() {
    try {
      Class.forName("io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator", false,
          RelayTracing.class.getClassLoader());
      return new OpenTelemetry();
    } catch (ClassNotFoundException | LinkageError e) {
      return new None();
    }
  }

  final class None implements RelayTracing {
    @Override
    public <T> T inTraceOf(String traceparent, Supplier<T> send) {
      return send.get();
    }
  }

  final class OpenTelemetry implements RelayTracing {

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

    @Override
    public <T> T inTraceOf(String traceparent, Supplier<T> send) {
      if (traceparent == null) {
        return send.get();
      }
      Context context = W3CTraceContextPropagator.getInstance().extract(Context.root(), traceparent, TRACEPARENT);
      try (Scope ignored = context.makeCurrent()) {
        return send.get();
      }
    }
  }
}
