package io.emprops.events.outbox;

import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * A W3C trace context ({@code traceparent} header, version 00), so that one trace spans request →
 * outbox → consumer.
 */
public record Traceparent(String traceId, String spanId, boolean sampled) {

  private static final Pattern TRACE_ID = Pattern.compile("[0-9a-f]{32}");
  private static final Pattern SPAN_ID = Pattern.compile("[0-9a-f]{16}");
  private static final String INVALID_TRACE_ID = "0".repeat(32);
  private static final String INVALID_SPAN_ID = "0".repeat(16);

  public Traceparent {
    if (!TRACE_ID.matcher(traceId).matches() || traceId.equals(INVALID_TRACE_ID)) {
      throw new IllegalArgumentException("not a W3C trace id: " + traceId);
    }
    if (!SPAN_ID.matcher(spanId).matches() || spanId.equals(INVALID_SPAN_ID)) {
      throw new IllegalArgumentException("not a W3C span id: " + spanId);
    }
  }

  /**
   * A new root context, for events written outside any trace. Marked sampled so that consumers'
   * spans of the same event are recorded under one trace id.
   */
  public static Traceparent newRoot() {
    HexFormat hex = HexFormat.of();
    ThreadLocalRandom random = ThreadLocalRandom.current();
    String traceId;
    String spanId;
    do {
      traceId = hex.toHexDigits(random.nextLong()) + hex.toHexDigits(random.nextLong());
      spanId = hex.toHexDigits(random.nextLong());
    } while (traceId.equals(INVALID_TRACE_ID) || spanId.equals(INVALID_SPAN_ID));
    return new Traceparent(traceId, spanId, true);
  }

  /** Pads 64-bit trace ids (some tracers still use them) to the 128 bits W3C requires. */
  public static Traceparent of(String traceId, String spanId, boolean sampled) {
    String padded = traceId.length() < 32 ? "0".repeat(32 - traceId.length()) + traceId : traceId;
    return new Traceparent(padded, spanId, sampled);
  }

  /** The header value, e.g. {@code 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01}. */
  public String headerValue() {
    return "00-" + traceId + "-" + spanId + (sampled ? "-01" : "-00");
  }
}
