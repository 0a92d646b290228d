package io.emprops.e2e;

import com.google.protobuf.ByteString;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.zip.GZIPInputStream;

/**
 * An OTLP/HTTP trace receiver inside the test JVM: {@code POST /v1/traces} with a protobuf
 * {@code ExportTraceServiceRequest} (gzip or not), as the OpenTelemetry Java agent exports with
 * {@code OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf}. It keeps every span it receives.
 */
final class OtlpReceiver implements AutoCloseable {

  /** One received span, ids in lower-case hex (an empty parent: a root span). */
  record ReceivedSpan(String service, String scope, String name, String kind, String traceId, String spanId,
      String parentSpanId, List<Link> links, Map<String, String> attributes, long startNanos, long endNanos) {

    String attribute(String key) {
      return attributes.getOrDefault(key, "");
    }

    boolean isRoot() {
      return parentSpanId.isEmpty();
    }

    /** One line: service, kind, name, ids, links and a few telling attributes. */
    String describe() {
      StringBuilder line = new StringBuilder("%-19s %-8s %-48s trace=%s span=%s parent=%s".formatted(service, kind,
          name, traceId, spanId, parentSpanId.isEmpty() ? "-" : parentSpanId));
      links.forEach(link -> line.append(" link=").append(link.traceId()).append('/').append(link.spanId()));
      for (String key : List.of("http.route", "url.path", "http.response.status_code", "messaging.destination.name",
          "messaging.message.id", "emprops.event.type", "emprops.inbox.outcome")) {
        if (attributes.containsKey(key)) {
          line.append(' ').append(key).append('=').append(attributes.get(key));
        }
      }
      return line.toString();
    }
  }

  record Link(String traceId, String spanId) {}

  private static final HexFormat HEX = HexFormat.of();

  private final HttpServer server;
  private final ConcurrentLinkedQueue<ReceivedSpan> spans = new ConcurrentLinkedQueue<>();

  private OtlpReceiver(HttpServer server) {
    this.server = server;
  }

  /** Listens on 127.0.0.1, on {@code port} (0: a free one). */
  static OtlpReceiver start(int port) throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 50);
    OtlpReceiver receiver = new OtlpReceiver(server);
    server.createContext("/v1/traces", receiver::export);
    server.setExecutor(Executors.newFixedThreadPool(2));
    server.start();
    return receiver;
  }

  /** Where the agent exports to ({@code --otel-endpoint}): the base URL, the agent adds {@code /v1/traces}. */
  String endpoint() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  List<ReceivedSpan> spans() {
    return List.copyOf(spans);
  }

  List<ReceivedSpan> trace(String traceId) {
    return spans.stream().filter(s -> s.traceId().equals(traceId)).toList();
  }

  private void export(HttpExchange exchange) throws IOException {
    try (exchange) {
      if (!"POST".equals(exchange.getRequestMethod())) {
        exchange.sendResponseHeaders(405, -1);
        return;
      }
      ExportTraceServiceRequest request;
      try (InputStream body = "gzip".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("Content-Encoding"))
          ? new GZIPInputStream(exchange.getRequestBody()) : exchange.getRequestBody()) {
        request = ExportTraceServiceRequest.parseFrom(body);
      } catch (IOException | RuntimeException e) {
        exchange.sendResponseHeaders(400, -1);
        return;
      }
      for (ResourceSpans resourceSpans : request.getResourceSpansList()) {
        String service = attributes(resourceSpans.getResource().getAttributesList()).getOrDefault("service.name", "");
        for (ScopeSpans scopeSpans : resourceSpans.getScopeSpansList()) {
          for (io.opentelemetry.proto.trace.v1.Span span : scopeSpans.getSpansList()) {
            spans.add(new ReceivedSpan(service, scopeSpans.getScope().getName(), span.getName(),
                span.getKind().name().replace("SPAN_KIND_", ""), hex(span.getTraceId()), hex(span.getSpanId()),
                hex(span.getParentSpanId()),
                span.getLinksList().stream().map(l -> new Link(hex(l.getTraceId()), hex(l.getSpanId()))).toList(),
                attributes(span.getAttributesList()), span.getStartTimeUnixNano(), span.getEndTimeUnixNano()));
          }
        }
      }
      byte[] answer = ExportTraceServiceResponse.getDefaultInstance().toByteArray();
      exchange.getResponseHeaders().add("Content-Type", "application/x-protobuf");
      exchange.sendResponseHeaders(200, answer.length == 0 ? -1 : answer.length);
      if (answer.length > 0) {
        exchange.getResponseBody().write(answer);
      }
    }
  }

  private static Map<String, String> attributes(List<KeyValue> values) {
    Map<String, String> map = new LinkedHashMap<>();
    for (KeyValue kv : values) {
      map.put(kv.getKey(), text(kv.getValue()));
    }
    return map;
  }

  private static String text(AnyValue value) {
    return switch (value.getValueCase()) {
      case STRING_VALUE -> value.getStringValue();
      case INT_VALUE -> Long.toString(value.getIntValue());
      case BOOL_VALUE -> Boolean.toString(value.getBoolValue());
      case DOUBLE_VALUE -> Double.toString(value.getDoubleValue());
      default -> value.toString().strip();
    };
  }

  private static String hex(ByteString bytes) {
    return HEX.formatHex(bytes.toByteArray());
  }

  @Override
  public void close() {
    server.stop(0);
    ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
  }
}
