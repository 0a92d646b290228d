package io.emprops.e2e.api;

import io.emprops.e2e.api.OpenApiDocument.Operation;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * A fuzz run generated from the merged OpenAPI document (issue 12): for every documented
 * operation, requests a client could send by mistake or on purpose — malformed JSON, wrong types,
 * boundary numbers, NUL and other control characters, lone surrogates, oversized strings, deep
 * nesting, traversal and non-UUID ids, hostile query values, wrong content types. A finding is
 * any 5xx, any error answer that is not the envelope (a JSON object with {@code data},
 * {@code error} and {@code code}), and any body with a stack trace or an internal address.
 */
public final class ApiFuzzer {

  /** One request the run sent, and what is wrong with its answer (empty: nothing). */
  public record Finding(String operation, String variant, int status, String problem, String body) {
    @Override
    public String toString() {
      return operation + " [" + variant + "] → " + status + ": " + problem + " — "
          + (body.length() > 300 ? body.substring(0, 300) + "…" : body);
    }
  }

  /** What the run did: requests, operations, statuses, findings. */
  public record Report(int requests, int operations, int retriedAfterTimeout, Map<Integer, Integer> statuses,
      List<Finding> findings) {
    @Override
    public String toString() {
      return "fuzz: " + requests + " requests over " + operations + " operations; statuses " + statuses
          + "; sent again after a 30 s timeout " + retriedAfterTimeout + "; findings " + findings.size();
    }
  }

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final Pattern STACK_TRACE = Pattern.compile(
      "(\\bat [a-zA-Z_$][\\w$]*(\\.[\\w$]+)+\\([\\w$]*\\.java:\\d+\\))|(\\w+\\.\\w+(\\.\\w+)*(Exception|Error):)|(org\\.springframework|io\\.emprops|java\\.lang\\.|jakarta\\.|org\\.postgresql|tools\\.jackson|com\\.fasterxml)");
  /** Operations that hold a stream open: fuzzed by their path only, never waited on. */
  private static final Set<String> STREAMS = Set.of("/jobs/{id}/events", "/jobs/{jobId}/events", "/ws");

  private final String gateway;
  private final OpenApiDocument document;
  private final Supplier<String> freshUserToken;
  private final Map<String, String> knownIds;
  private final Set<String> internalAddresses;
  // HTTP/1.1 as the gateway serves it (no h2c upgrade attempt on each new connection).
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();
  private int retriedAfterTimeout;
  private final JsonMapper json = JsonMapper.builder().build();

  private String token;
  private int sentWithToken;

  /**
   * @param freshUserToken a bearer token of a new user for each call: the run changes user every
   *     eight requests, so the per-user rate limits do not turn the run into 429s
   * @param knownIds values for path variables by name (real ids), tried besides the hostile ones
   * @param internalAddresses strings no answer may contain (the services' host:port)
   */
  public ApiFuzzer(String gateway, OpenApiDocument document, Supplier<String> freshUserToken,
      Map<String, String> knownIds, Set<String> internalAddresses) {
    this.gateway = gateway;
    this.document = document;
    this.freshUserToken = freshUserToken;
    this.knownIds = knownIds;
    this.internalAddresses = internalAddresses;
  }

  public Report run() throws InterruptedException {
    List<Finding> findings = new ArrayList<>();
    Map<Integer, Integer> statuses = new TreeMap<>();
    int requests = 0;
    List<Operation> operations = document.operations();
    for (Operation operation : operations) {
      for (Variant variant : variants(operation)) {
        Answer response;
        try {
          response = sendOnceMoreAfterATimeout(variant, token());
        } catch (java.io.IOException e) {
          findings.add(new Finding(operation.toString(), variant.name(), 0, "no answer: " + e, ""));
          continue;
        }
        requests++;
        statuses.merge(response.status(), 1, Integer::sum);
        String problem = problem(response);
        if (problem != null) {
          findings.add(new Finding(operation.toString(), variant.name(), response.status(), problem, response.body()));
        }
      }
    }
    return new Report(requests, operations.size(), retriedAfterTimeout, statuses, findings);
  }

  private String token() {
    // Eight requests per user: under the tightest per-user limit (10 generations a minute).
    if (token == null || ++sentWithToken >= 8) {
      token = freshUserToken.get();
      sentWithToken = 0;
    }
    return token;
  }

  /**
   * A request that got no answer within 30 s is sent once more (the run shares two CPUs with the
   * whole stack); the count is reported, and a second silence is a finding.
   */
  private Answer sendOnceMoreAfterATimeout(Variant variant, String token)
      throws java.io.IOException, InterruptedException {
    try {
      return send(variant, token);
    } catch (java.net.http.HttpTimeoutException | java.net.SocketTimeoutException timeout) {
      retriedAfterTimeout++;
      return send(variant, token);
    }
  }

  /** What came back: status, headers (names lower-cased) and body. */
  record Answer(int status, Map<String, String> headers, String body) {}

  /**
   * Sends a variant with the JDK client, or — for a request line it refuses to build (a lone
   * {@code %}) — as raw HTTP/1.0 over a socket, which is what a careless client does.
   */
  private Answer send(Variant variant, String token) throws java.io.IOException, InterruptedException {
    HttpRequest request;
    try {
      request = variant.request(gateway, token);
    } catch (IllegalArgumentException unbuildable) {
      return sendRaw(variant, token);
    }
    HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
    Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    response.headers().map().forEach((name, values) -> headers.put(name, String.join(",", values)));
    return new Answer(response.statusCode(), headers, response.body());
  }

  private Answer sendRaw(Variant variant, String token) throws java.io.IOException {
    URI base = URI.create(gateway);
    byte[] body = variant.body() == null ? new byte[0] : variant.body().getBytes(StandardCharsets.UTF_8);
    try (java.net.Socket socket = new java.net.Socket(base.getHost(), base.getPort())) {
      socket.setSoTimeout(30_000);
      String head = variant.method().toUpperCase() + " " + variant.pathAndQuery() + " HTTP/1.0\r\n"
          + "Host: " + base.getHost() + ":" + base.getPort() + "\r\n"
          + "Authorization: Bearer " + token + "\r\n"
          + (variant.contentType() == null ? "" : "Content-Type: " + variant.contentType() + "\r\n")
          + "Content-Length: " + body.length + "\r\n\r\n";
      socket.getOutputStream().write(head.getBytes(StandardCharsets.ISO_8859_1));
      socket.getOutputStream().write(body);
      socket.getOutputStream().flush();
      String raw = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      int endOfHead = raw.indexOf("\r\n\r\n");
      String[] lines = (endOfHead < 0 ? raw : raw.substring(0, endOfHead)).split("\r\n");
      Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
      for (int i = 1; i < lines.length; i++) {
        int colon = lines[i].indexOf(':');
        if (colon > 0) {
          headers.merge(lines[i].substring(0, colon).trim(), lines[i].substring(colon + 1).trim(), (a, b) -> a + "," + b);
        }
      }
      String[] statusLine = lines[0].split(" ");
      int status = statusLine.length > 1 && statusLine[1].matches("\\d{3}") ? Integer.parseInt(statusLine[1]) : 0;
      return new Answer(status, headers, endOfHead < 0 ? "" : raw.substring(endOfHead + 4));
    }
  }

  private String problem(Answer response) {
    int status = response.status();
    String body = response.body();
    if (status >= 500) {
      return "server error";
    }
    if (STACK_TRACE.matcher(body).find()) {
      return "stack trace or internal class name in the body";
    }
    for (String address : internalAddresses) {
      if (body.contains(address)) {
        return "internal address " + address + " in the body";
      }
    }
    if (status >= 400) {
      try {
        JsonNode envelope = json.readTree(body);
        if (!envelope.isObject() || !envelope.has("data") || !envelope.path("error").isString()
            || !envelope.path("code").isString()) {
          return "error answer is not the envelope";
        }
      } catch (RuntimeException notJson) {
        return "error answer is not JSON";
      }
      if (!response.headers().containsKey("X-Content-Type-Options")) {
        return "error answer without the security headers";
      }
    }
    return null;
  }

  // ---------------------------------------------------------------------------------------------

  /** One request to send: method, path (already encoded), query, body and content type. */
  record Variant(String name, String method, String pathAndQuery, String contentType, String body) {
    HttpRequest request(String gateway, String token) {
      HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(gateway + pathAndQuery))
          .timeout(Duration.ofSeconds(30))
          .header("Authorization", "Bearer " + token);
      if (contentType != null) {
        builder.header("Content-Type", contentType);
      }
      HttpRequest.BodyPublisher publisher = body == null
          ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body);
      return builder.method(method.toUpperCase(), publisher).build();
    }
  }

  private List<Variant> variants(Operation operation) {
    List<Variant> variants = new ArrayList<>();
    String method = operation.method();
    boolean stream = STREAMS.contains(operation.path());
    String validPath = path(operation, name -> knownIds.getOrDefault(name, UUID.randomUUID().toString()));
    // Path variables: non-UUIDs, traversal, encoded NUL and control characters, very long.
    if (!operation.parameters("path").isEmpty()) {
      Map<String, String> hostile = new LinkedHashMap<>();
      hostile.put("not-a-uuid", "not-a-uuid");
      hostile.put("traversal", "..%2F..%2F..%2Fetc%2Fpasswd");
      hostile.put("dot-dot", "..");
      hostile.put("encoded NUL", "a%00b");
      hostile.put("control character", "a%01b");
      hostile.put("bad escape", "%ff%fe");
      hostile.put("lone escape", "%");
      hostile.put("SQL", URLEncoder.encode("1' OR '1'='1", StandardCharsets.UTF_8));
      hostile.put("negative number", "-1");
      hostile.put("huge number", "99999999999999999999999");
      hostile.put("long", "a".repeat(3000));
      hostile.forEach((name, value) -> variants.add(new Variant("path " + name, method,
          path(operation, variable -> value), null, null)));
    }
    if (stream) {
      return variants; // a valid call would hold the stream open
    }
    // Query parameters: wrong kinds, out of range, hostile characters, oversized.
    for (JsonNode parameter : operation.parameters("query")) {
      String name = parameter.path("name").asString();
      for (Map.Entry<String, String> value : hostileQueryValues().entrySet()) {
        variants.add(new Variant("query " + name + " " + value.getKey(), method,
            validPath + "?" + name + "=" + value.getValue(), null, null));
      }
    }
    variants.add(new Variant("query repeated and unknown", method,
        validPath + "?page=1&page=2&zzz=%00", null, null));
    if (!Set.of("post", "put", "patch").contains(method)) {
      return variants;
    }
    // Bodies: broken JSON, wrong top-level types, deep nesting, wrong content types.
    String json = "application/json";
    Map<String, String> broken = new LinkedHashMap<>();
    broken.put("empty body", "");
    broken.put("truncated object", "{\"a\":");
    broken.put("unterminated string", "{\"name\":\"abc");
    broken.put("trailing garbage", "{} x");
    broken.put("two documents", "{}{}");
    broken.put("single quotes", "{'name':'x'}");
    broken.put("comment", "{/* c */}");
    broken.put("top-level array", "[]");
    broken.put("top-level string", "\"x\"");
    broken.put("top-level number", "1");
    broken.put("top-level null", "null");
    broken.put("invalid UTF-8", new String(new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xC3, '"', '}'}, StandardCharsets.ISO_8859_1));
    broken.put("deep nesting", "[".repeat(5000) + "]".repeat(5000));
    broken.put("deep object nesting", "{\"a\":".repeat(2000) + "1" + "}".repeat(2000));
    broken.put("huge number", "{\"n\":1" + "0".repeat(5000) + "}");
    broken.forEach((name, body) -> variants.add(new Variant("body " + name, method, validPath, json, body)));
    ObjectNode base = document.requestSchema(operation).map(this::example).filter(JsonNode::isObject)
        .map(ObjectNode.class::cast).orElse(NODES.objectNode());
    variants.add(new Variant("content-type text/plain", method, validPath, "text/plain", base.toString()));
    variants.add(new Variant("content-type xml", method, validPath, "application/xml", "<a/>"));
    variants.add(new Variant("content-type form", method, validPath, "application/x-www-form-urlencoded", "a=b"));
    variants.add(new Variant("content-type multipart without boundary", method, validPath, "multipart/form-data", base.toString()));
    variants.add(new Variant("no content-type", method, validPath, null, base.toString()));
    variants.add(new Variant("content-type with bad charset", method, validPath, "application/json; charset=nope", base.toString()));
    // Each documented property, one at a time, replaced by a value of the wrong kind or at a boundary.
    document.requestSchema(operation).ifPresent(schema -> {
      JsonNode properties = schema.path("properties");
      for (String property : properties.propertyNames()) {
        for (Map.Entry<String, JsonNode> value : hostileValues(document.resolve(properties.get(property))).entrySet()) {
          ObjectNode body = base.deepCopy();
          body.set(property, value.getValue());
          variants.add(new Variant("field " + property + " " + value.getKey(), method, validPath, json,
              body.toString()));
        }
      }
    });
    return variants;
  }

  private String path(Operation operation, java.util.function.Function<String, String> valueOf) {
    StringBuilder path = new StringBuilder();
    java.util.regex.Matcher m = Pattern.compile("\\{([^}]+)}").matcher(operation.path());
    int last = 0;
    while (m.find()) {
      path.append(operation.path(), last, m.start()).append(valueOf.apply(m.group(1)));
      last = m.end();
    }
    return path.append(operation.path().substring(last)).toString();
  }

  private static Map<String, String> hostileQueryValues() {
    Map<String, String> values = new LinkedHashMap<>();
    values.put("empty", "");
    values.put("word for a number", "abc");
    values.put("fraction", "1.5");
    values.put("negative", "-1");
    values.put("huge", "99999999999999999999999");
    values.put("beyond a double", "1e309");
    values.put("far date", "%2B999999999-12-31T23:59:59Z");
    values.put("encoded NUL", "%00");
    values.put("control character", "%07");
    values.put("bad escape", "%ff");
    values.put("lone surrogate", "%ED%A0%80");
    values.put("oversized", "x".repeat(4000));
    return values;
  }

  private static Map<String, JsonNode> hostileValues(JsonNode schema) {
    Map<String, JsonNode> values = new LinkedHashMap<>();
    values.put("null", NODES.nullNode());
    values.put("object", NODES.objectNode().put("a", 1));
    values.put("array", NODES.arrayNode().add(1));
    values.put("boolean", NODES.booleanNode(true));
    values.put("fraction", NODES.numberNode(1.5));
    values.put("negative", NODES.numberNode(-1));
    values.put("2^31", NODES.numberNode(2147483648L));
    values.put("2^63", NODES.numberNode(new java.math.BigInteger("9223372036854775808")));
    values.put("tiny", NODES.numberNode(new java.math.BigDecimal("1e-400")));
    values.put("string for a number", NODES.stringNode("12"));
    values.put("NUL", NODES.stringNode("a\u0000b"));
    values.put("control characters", NODES.stringNode("a\u0001\u001b[31mb"));
    values.put("lone surrogate", NODES.stringNode("a\ud800b"));
    values.put("empty string", NODES.stringNode(""));
    values.put("blank string", NODES.stringNode("   "));
    values.put("oversized string", NODES.stringNode("x".repeat(200_000)));
    values.put("traversal", NODES.stringNode("../../etc/passwd"));
    values.put("url", NODES.stringNode("file:///etc/passwd"));
    values.put("date out of range", NODES.stringNode("+999999999-12-31T23:59:59Z"));
    if (schema.path("enum").isArray()) {
      values.put("unknown enum value", NODES.stringNode("NOT_A_VALUE"));
    }
    return values;
  }

  /** A plausible value for a schema: what a well-meaning client would send. */
  private JsonNode example(JsonNode rawSchema) {
    return example(document.resolve(rawSchema), 0);
  }

  private JsonNode example(JsonNode schema, int depth) {
    if (depth > 6) {
      return NODES.nullNode();
    }
    schema = document.resolve(schema);
    if (schema.has("example")) {
      return schema.get("example");
    }
    if (schema.path("enum").isArray() && !schema.path("enum").isEmpty()) {
      return schema.path("enum").get(0);
    }
    String type = schema.path("type").isArray()
        ? firstNonNull(schema.path("type").iterator()) : schema.path("type").asString("");
    if (type.isEmpty() && schema.has("properties")) {
      type = "object";
    }
    return switch (type) {
      case "object" -> {
        ObjectNode object = NODES.objectNode();
        schema.path("properties").properties().forEach(p -> object.set(p.getKey(), example(p.getValue(), depth + 1)));
        yield object;
      }
      case "array" -> NODES.arrayNode().add(example(schema.path("items"), depth + 1));
      case "integer" -> NODES.numberNode(1);
      case "number" -> NODES.numberNode(1.0);
      case "boolean" -> NODES.booleanNode(true);
      case "string" -> switch (schema.path("format").asString("")) {
        case "uuid" -> NODES.stringNode(knownIds.getOrDefault("uuid", UUID.randomUUID().toString()));
        case "date-time" -> NODES.stringNode("2026-01-01T00:00:00Z");
        case "uri", "url" -> NODES.stringNode("https://example.com/x");
        default -> NODES.stringNode("fuzz");
      };
      default -> NODES.nullNode();
    };
  }

  private static String firstNonNull(Iterator<JsonNode> types) {
    while (types.hasNext()) {
      String type = types.next().asString();
      if (!"null".equals(type)) {
        return type;
      }
    }
    return "";
  }
}
