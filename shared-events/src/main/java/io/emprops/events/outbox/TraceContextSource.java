package io.emprops.events.outbox;

import java.util.Optional;

/** Where the outbox finds the trace of the current request, if the service is traced. */
@FunctionalInterface
public interface TraceContextSource {

  /** The active span's context on the calling thread, empty outside any span. */
  Optional<Traceparent> current();
}
