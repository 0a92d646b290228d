package io.emprops.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.emprops.e2e.OtlpReceiver.ReceivedSpan;
import io.emprops.localstack.infra.Ports;
import io.emprops.localstack.infra.StackLayout;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.condition.DisabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.json.JsonMapper;

/**
 * One generation is one trace (README, "Traces"): the stack started with {@code --otel} exports
 * to a receiver in this JVM, a user generates through the gateway and follows the job's event
 * stream, and the spans of every hop are asserted — gateway, generator, its outbox event through
 * Kafka to credits-service's inbox, the credit decision back to generator-service's inbox, the
 * job-queue submission (its {@code job_trace_id}/{@code job_span_id} fields), the dev worker's
 * step and messages, their handling in generator-service, and the event stream.
 *
 * <p>Only what a generation needs runs: no chain, no publishing-service, no webhooks-service.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
// In every ./run test, last: on the shared stack as LocalStackLifecycleTest restarted it, with the
// agents (their traced instrumentations only). -De2e.traces=false leaves it out.
@DisabledIfSystemProperty(named = "e2e.traces", matches = "false")
@ExtendWith(SharedStack.Extension.class)
@Order(Integer.MAX_VALUE)
class TraceEndToEndTest {

  /**
   * The agents make every JVM start slower (the launcher waits up to 9 minutes for each
   * application with {@code --otel}); generous, but bounded.
   */
  static final Duration START_TIMEOUT = Duration.ofMinutes(11);
  /**
   * Where this class looks for a free port block: below the kernel's ephemeral range (32768 and
   * up, where a client connection can take a stack's port between the check and the bind, as
   * it did), and clear of the other stack-starting classes (from 31000).
   */
  private static final int PORT_RANGE = 31_512;
  /**
   * The agents' instrumentations this trace crosses; the agents' start-up cost grows with the
   * instrumentations they match every loaded class against.
   */
  private static final List<String> TRACED = List.of("opentelemetry-api", "opentelemetry-instrumentation-annotations",
      "executors", "reactor", "netty", "reactor-netty", "spring-webflux", "spring-cloud-gateway", "tomcat", "servlet",
      "spring-webmvc", "spring-web", "kafka", "spring-kafka", "java-http-client");
  private static final HexFormat HEX = HexFormat.of();
  private static final SecureRandom RANDOM = new SecureRandom();

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final JsonMapper json = JsonMapper.builder().build();
  private OtlpReceiver receiver;
  private RunningStack stack;
  private boolean ownStack;
  private boolean ownReceiver;

  @BeforeAll
  void startStackWithTraces(SharedStack shared) throws Exception {
    String attach = System.getProperty("e2e.attach"); // DATA_DIR:PORT_BASE of a stack started by hand
    if (attach != null) {
      receiver = OtlpReceiver.start(Integer.getInteger("e2e.otlp.port", 0));
      ownReceiver = true;
      String[] parts = attach.split(":");
      stack = RunningStack.attach(Path.of(parts[0]), Integer.parseInt(parts[1]));
      return;
    }
    // In a whole run, LocalStackLifecycleTest has restarted the shared stack with the agents: the
    // trace is taken there (a stack start less in CI's budget). Alone, this class starts its own.
    java.util.Optional<RunningStack> traced = shared.tracedStack();
    if (traced.isPresent()) {
      stack = traced.get();
      receiver = shared.traceReceiver();
      return;
    }
    receiver = OtlpReceiver.start(Integer.getInteger("e2e.otlp.port", 0));
    ownReceiver = true;
    stack = RunningStack.start(START_TIMEOUT, agentEnvironment(),
        Files.createTempDirectory("emprops-e2e-trace-"), Ports.freeBlock(PORT_RANGE, StackLayout.PORT_BLOCK),
        "--no-chain", "--without", "publishing,webhooks", "--otel-endpoint", receiver.endpoint());
    ownStack = true;
    System.out.println("TraceEndToEndTest: ./run --otel ready after " + stack.startedIn.toSeconds() + " s");
  }

  /** Whether this run takes the trace (-De2e.traces=false leaves it out). */
  static boolean enabled() {
    return !"false".equals(System.getProperty("e2e.traces"));
  }

  /**
   * What {@code ./run} passes on to the agents for this test: spans exported within 0.2 s, and
   * only the instrumentations the trace crosses (all of them with
   * {@code -De2e.traces.all-instrumentations=true}).
   */
  static Map<String, String> agentEnvironment() {
    Map<String, String> otel = new LinkedHashMap<>(Map.of("OTEL_BSP_SCHEDULE_DELAY", "200"));
    if (!Boolean.getBoolean("e2e.traces.all-instrumentations")) {
      otel.put("OTEL_INSTRUMENTATION_COMMON_DEFAULT_ENABLED", "false");
      for (String instrumentation : TRACED) {
        otel.put("OTEL_INSTRUMENTATION_" + instrumentation.toUpperCase().replace('-', '_') + "_ENABLED", "true");
      }
    }
    return otel;
  }

  @AfterAll
  void stop() {
    if (stack != null && ownStack) {
      stack.close();
    }
    if (receiver != null && ownReceiver) {
      receiver.close();
    }
  }

  @Test
  void oneGenerationIsOneTraceFromTheGatewayToTheWorkerAndTheEventStream() throws Exception {
    try {
      generateAndAssertTheTrace();
    } catch (Exception | AssertionError e) {
      System.out.println(RunningStack.logTails(stack.dataDirectory, 40));
      throw e;
    }
  }

  private void generateAndAssertTheTrace() throws Exception {
    String token = token();
    String collectionId = createCollection(token);

    // The user's client starts the trace (traceparent), as a traced front end would; each
    // attempt its own trace, so the one that is accepted is the generation's.
    String[] generation = requestGeneration(token, collectionId);
    String traceId = generation[0];
    String clientSpan = generation[1];
    String jobId = json.readTree(generation[2]).get("data").get("job_id").asString();

    // The client follows the job's event stream in the same trace, to its end.
    String streamSpan = spanId();
    HttpResponse<String> events = http.send(HttpRequest.newBuilder(URI.create(stack.gatewayUrl + "/jobs/" + jobId
            + "/events")).timeout(Duration.ofMinutes(2))
        .header("Authorization", "Bearer " + token).header("Accept", "text/event-stream")
        .header("traceparent", "00-" + traceId + "-" + streamSpan + "-01").build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(events.statusCode()).isEqualTo(200);
    assertThat(events.body()).contains("event:job_completed");

    // Every hop's spans, then the tree they make; printed either way (database and Redis client spans left out).
    try {
      Awaitility.await("the generation's trace, complete").atMost(Duration.ofSeconds(90))
          .pollInterval(Duration.ofMillis(500)).ignoreExceptions()
          .untilAsserted(() -> assertOneTrace(receiver.trace(traceId), traceId, clientSpan, streamSpan, jobId));
    } finally {
      dump(traceId, receiver.trace(traceId));
    }
  }

  /**
   * The generation's trace as the agents and the suite's own spans make it (README, "Traces"):
   * <pre>
   * gateway SERVER POST generator                      (parent: the client's span)
   *   gateway CLIENT POST
   *     generator-service SERVER POST /collections/{collectionId}/generations
   *       generator-service PRODUCER emprops.generations publish         (GenerationRequested)
   *         credits-service CONSUMER emprops.generations process
   *           credits-service INTERNAL credits.reserve-for-generation handle   (link: the producer)
   *             credits-service PRODUCER emprops.credits publish
   *               generator-service CONSUMER emprops.credits process
   *                 generator-service INTERNAL generator.credits-reserved handle  (link: the producer)
   *                   = the step's job_span_id when the job waited for the decision: the step is
   *                   submitted here (job_trace_id: this trace); when the owner's credit standing
   *                   covered it, the step was submitted by the POST's span, before the decision
   *                   dev-worker CONSUMER job_queue mock process
   *                     dev-worker PRODUCER job_claimed / update_job_progress / complete_job publish
   *                   generator-service CONSUMER job_queue complete_job process
   *                     … storage-service stores the output, generator-service completes the job,
   *                     credits-service settles it (credits.settle-completed-generation handle)
   * gateway SERVER GET generator-streams                (parent: the client's second span)
   *   gateway CLIENT GET
   *     generator-service SERVER GET /jobs/{jobId}/events
   * </pre>
   */
  private void assertOneTrace(List<ReceivedSpan> trace, String traceId, String clientSpan, String streamSpan,
      String jobId) throws IOException {
    Map<String, ReceivedSpan> byId = new LinkedHashMap<>();
    trace.forEach(s -> byId.put(s.spanId(), s));

    // The request: the client's span → gateway → generator-service.
    ReceivedSpan gateway = one(trace, "gateway", "SERVER", "POST generator", s -> s.parentSpanId().equals(clientSpan));
    assertThat(gateway.attribute("http.response.status_code")).isEqualTo("202");
    ReceivedSpan forward = childOf(trace, gateway, "gateway", "CLIENT", "POST");
    ReceivedSpan request = childOf(trace, forward, "generator-service", "SERVER",
        "POST /collections/{collectionId}/generations");

    // GenerationRequested through the outbox and Kafka to credits-service's inbox, and the
    // credit decision (CreditsReserved) back to generator-service's inbox: the consumers'
    // process spans are children of the producers' spans, the inbox spans link to them too.
    ReceivedSpan requested = childOf(trace, request, "generator-service", "PRODUCER", "emprops.generations publish");
    ReceivedSpan reserve = inboxHandling(trace, requested, "credits-service", "credits.reserve-for-generation",
        "GenerationRequested.v1");
    ReceivedSpan reservedEvent = trace.stream().filter(s -> s.parentSpanId().equals(reserve.spanId())
            && s.name().equals("emprops.credits publish") && s.kind().equals("PRODUCER"))
        .filter(p -> trace.stream().anyMatch(c -> c.parentSpanId().equals(p.spanId())
            && c.service().equals("generator-service") && c.kind().equals("CONSUMER")
            && trace.stream().anyMatch(h -> h.parentSpanId().equals(c.spanId())
                && h.name().equals("generator.credits-reserved handle"))))
        .findFirst().orElseThrow(() -> new AssertionError("no emprops.credits record of " + reserve.describe()
            + " handled by generator.credits-reserved"));
    ReceivedSpan reserved = inboxHandling(trace, reservedEvent, "generator-service", "generator.credits-reserved",
        "CreditsReserved.v1");

    // The job-queue submission: by the POST when the owner's credit standing covered the job, by
    // the decision's handling when it waited for it. The step's hash carries this trace and the
    // submitting span.
    ReceivedSpan step = one(trace, "dev-worker", "CONSUMER", "job_queue mock process",
        s -> s.parentSpanId().equals(request.spanId()) || s.parentSpanId().equals(reserved.spanId()));
    ReceivedSpan submitter = step.parentSpanId().equals(request.spanId()) ? request : reserved;
    System.out.println("the step was submitted by " + submitter.describe());
    String stepId = step.attribute("messaging.message.id");
    Map<String, String> hash = redisHash("job:" + stepId);
    assertThat(hash).as("job:" + stepId).containsEntry("job_trace_id", traceId)
        .containsEntry("job_span_id", submitter.spanId())
        .containsEntry("workflow_trace_id", traceId)
        .containsEntry("workflow_span_id", submitter.spanId())
        .containsEntry("workflow_id", jobId)
        .containsEntry("status", "completed");
    assertThat(step.attribute("emprops.queue.workflow_id")).isEqualTo(jobId);

    // The worker's messages, each a child of its step, and their handling in generator-service
    // in the step's trace (read back from the hash).
    for (String channel : List.of("job_claimed", "update_job_progress", "complete_job")) {
      childOf(trace, step, "dev-worker", "PRODUCER", channel + " publish");
    }
    ReceivedSpan completion = childOf(trace, submitter, "generator-service", "CONSUMER",
        "job_queue complete_job process");
    assertThat(completion.attribute("messaging.message.id")).isEqualTo(stepId);

    // The output stored and the generation settled, still in the same trace.
    one(trace, "storage-service", "CONSUMER", "emprops.generations process", s -> true);
    one(trace, "generator-service", "INTERNAL", "generator.output-stored handle", s -> true);
    ReceivedSpan settle = one(trace, "credits-service", "INTERNAL", "credits.settle-completed-generation handle",
        s -> true);
    assertThat(settle.attribute("emprops.event.type")).isEqualTo("GenerationCompleted.v1");

    // The client's event stream, in its trace too.
    ReceivedSpan stream = one(trace, "gateway", "SERVER", "GET generator-streams",
        s -> s.parentSpanId().equals(streamSpan));
    assertThat(stream.attribute("url.path")).isEqualTo("/jobs/" + jobId + "/events");
    childOf(trace, childOf(trace, stream, "gateway", "CLIENT", "GET"), "generator-service", "SERVER",
        "GET /jobs/{jobId}/events");

    // One tree: every span's parent is in the trace, but the two roots' (the client's spans).
    assertThat(trace).allSatisfy(s -> assertThat(byId.containsKey(s.parentSpanId())
        || s.parentSpanId().equals(clientSpan) || s.parentSpanId().equals(streamSpan))
        .as("parent of %s is in the trace", s.describe()).isTrue());
  }

  /**
   * A consumer's handling of the record {@code producer} published: the agent's {@code process}
   * span a child of the producer's, the inbox's {@code <consumer> handle} span a child of that,
   * linked to the producer's span.
   */
  private static ReceivedSpan inboxHandling(List<ReceivedSpan> trace, ReceivedSpan producer, String service,
      String consumer, String eventType) {
    ReceivedSpan handle = trace.stream()
        .filter(s -> s.service().equals(service) && s.name().equals(consumer + " handle"))
        .filter(s -> trace.stream().anyMatch(p -> p.spanId().equals(s.parentSpanId())
            && p.kind().equals("CONSUMER") && p.parentSpanId().equals(producer.spanId())))
        .findFirst().orElseThrow(() -> new AssertionError(consumer + " handle under a process span of "
            + producer.describe()));
    assertThat(handle.links()).as(handle.describe())
        .containsExactly(new OtlpReceiver.Link(producer.traceId(), producer.spanId()));
    assertThat(handle.attribute("emprops.event.type")).isEqualTo(eventType);
    assertThat(handle.attribute("emprops.inbox.outcome")).isEqualTo("handled");
    return handle;
  }

  private static ReceivedSpan childOf(List<ReceivedSpan> trace, ReceivedSpan parent, String service, String kind,
      String name) {
    return one(trace, service, kind, name, s -> s.parentSpanId().equals(parent.spanId()));
  }

  private static ReceivedSpan one(List<ReceivedSpan> trace, String service, String kind, String name,
      Predicate<ReceivedSpan> where) {
    return trace.stream().filter(s -> s.service().equals(service) && s.kind().equals(kind) && s.name().equals(name))
        .filter(where).findFirst()
        .orElseThrow(() -> new AssertionError("no " + service + " " + kind + " span \"" + name + "\" where expected"));
  }

  private void dump(String traceId, List<ReceivedSpan> all) {
    List<ReceivedSpan> trace = all.stream().filter(s -> !isDataClient(s)).toList();
    Map<String, List<ReceivedSpan>> children = new LinkedHashMap<>();
    trace.stream().sorted(java.util.Comparator.comparingLong(ReceivedSpan::startNanos))
        .forEach(s -> children.computeIfAbsent(s.parentSpanId(), k -> new ArrayList<>()).add(s));
    java.util.Set<String> ids = new java.util.HashSet<>();
    trace.forEach(s -> ids.add(s.spanId()));
    StringBuilder out = new StringBuilder("--- trace " + traceId + ": " + all.size() + " spans ("
        + (all.size() - trace.size()) + " database and Redis client spans not shown)\n");
    children.forEach((parent, list) -> {
      if (!ids.contains(parent)) {
        list.forEach(root -> print(out, root, children, 0));
      }
    });
    System.out.println(out);
  }

  private static boolean isDataClient(ReceivedSpan span) {
    return span.kind().equals("CLIENT") && (span.scope().contains("jdbc") || span.scope().contains("lettuce"));
  }

  private static void print(StringBuilder out, ReceivedSpan span, Map<String, List<ReceivedSpan>> children, int depth) {
    out.append("  ".repeat(depth)).append(span.describe()).append('\n');
    children.getOrDefault(span.spanId(), List.of()).forEach(child -> print(out, child, children, depth + 1));
  }

  /** The launcher's dev token; on an attached stack one minted by {@code ./run token}. */
  private String token() throws Exception {
    return stack.devToken != null ? stack.devToken
        : RunningStack.runToCompletion(stack.root, Duration.ofMinutes(2), "token", "dev-user", "user,admin",
            "--data-dir", stack.dataDirectory.toString()).lines().filter(l -> l.startsWith("ey"))
            .reduce((a, b) -> b).orElseThrow();
  }

  private String createCollection(String token) throws Exception {
    HttpResponse<String> created = send("POST", "/api/collections/create", token, """
        {"title": "Traced", "instruction_set": {"version": "v2",
          "steps": [{"id": 1, "nodeName": "mock-image", "nodePayload": {"prompt": "traced {{subject}}"}}],
          "generations": {"generations": 1, "hashes": [], "use_custom_hashes": false},
          "variables": [{"name": "subject", "type": "text", "value": "owl"}]}}""", null);
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    return json.readTree(created.body()).get("data").get("id").asString();
  }

  /** The accepted request's trace id, the client span id it was sent under, and the answer's body. */
  private String[] requestGeneration(String token, String collectionId) {
    AtomicInteger requests = new AtomicInteger();
    String idempotencyKey = "trace-" + collectionId;
    String[] attempt = new String[3];
    Awaitility.await("the generator knows collection " + collectionId).atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(1500))
        .until(() -> {
          requests.incrementAndGet();
          attempt[0] = traceId();
          attempt[1] = spanId();
          HttpResponse<String> response = send("POST", "/collections/" + collectionId + "/generations", token, "{}",
              "00-" + attempt[0] + "-" + attempt[1] + "-01", "Idempotency-Key", idempotencyKey);
          attempt[2] = response.body();
          return response.statusCode();
        }, status -> status != 404 || requests.get() >= 10);
    assertThat(json.readTree(attempt[2]).path("data").path("job_id").isString()).as(attempt[2]).isTrue();
    return attempt;
  }

  private HttpResponse<String> send(String method, String path, String token, String body, String traceparent,
      String... headers) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(stack.gatewayUrl + path))
        .timeout(Duration.ofSeconds(20))
        .header("Authorization", "Bearer " + token)
        .header("Content-Type", "application/json")
        .method(method, HttpRequest.BodyPublishers.ofString(body));
    if (traceparent != null) {
      request.header("traceparent", traceparent);
    }
    for (int i = 0; i + 1 < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String traceId() {
    byte[] id = new byte[16];
    RANDOM.nextBytes(id);
    return HEX.formatHex(id);
  }

  private static String spanId() {
    byte[] id = new byte[8];
    RANDOM.nextBytes(id);
    return HEX.formatHex(id);
  }

  /** {@code HGETALL key} on the stack's Redis (RESP over a socket; the password from generator-service's env file). */
  private Map<String, String> redisHash(String key) throws IOException {
    String url = Files.readAllLines(stack.dataDirectory.resolve("env/generator-service.env")).stream()
        .filter(line -> line.startsWith("SPRING_DATA_REDIS_URL=")).findFirst().orElseThrow()
        .replaceFirst("SPRING_DATA_REDIS_URL='?([^']*)'?", "$1");
    URI uri = URI.create(url);
    String password = uri.getUserInfo() == null ? "" : uri.getUserInfo().replaceFirst("^[^:]*:", "");
    try (Socket socket = new Socket(uri.getHost(), uri.getPort())) {
      socket.setSoTimeout(5000);
      OutputStream out = socket.getOutputStream();
      BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
      if (!password.isEmpty()) {
        out.write(resp("AUTH", password));
        out.flush();
        assertThat(in.readLine()).isEqualTo("+OK");
      }
      out.write(resp("HGETALL", key));
      out.flush();
      String header = in.readLine();
      assertThat(header).startsWith("*");
      int entries = Integer.parseInt(header.substring(1));
      Map<String, String> hash = new LinkedHashMap<>();
      for (int i = 0; i < entries / 2; i++) {
        hash.put(bulk(in), bulk(in));
      }
      return hash;
    }
  }

  private static byte[] resp(String... words) {
    StringBuilder command = new StringBuilder("*" + words.length + "\r\n");
    for (String word : words) {
      command.append('$').append(word.getBytes(StandardCharsets.UTF_8).length).append("\r\n").append(word).append("\r\n");
    }
    return command.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** One bulk string (its length counted in characters: the values written here are ASCII). */
  private static String bulk(BufferedReader in) throws IOException {
    int length = Integer.parseInt(in.readLine().substring(1));
    if (length < 0) {
      return null;
    }
    char[] value = new char[length];
    for (int read = 0; read < length; ) {
      int n = in.read(value, read, length - read);
      if (n < 0) {
        throw new IOException("Redis closed the connection");
      }
      read += n;
    }
    in.readLine(); // the CRLF after it
    return new String(value);
  }

}
