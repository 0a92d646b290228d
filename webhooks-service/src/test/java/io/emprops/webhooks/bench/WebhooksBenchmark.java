package io.emprops.webhooks.bench;

import com.sun.net.httpserver.HttpServer;
import io.emprops.events.contract.GenerationStarted;
import io.emprops.events.testing.EventDelivery;
import io.emprops.localstack.testing.SharedInfrastructure;
import io.emprops.webhooks.support.WebhooksClient;
import io.emprops.webhooks.support.WebhooksProcess;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * Webhook delivery against a bare HTTP client, same receivers, same run:
 * <ul>
 *   <li>100 receivers on loopback (one JDK {@code HttpServer} each, answering 204 at once), one
 *       endpoint per receiver, each a different user's, subscribed to {@code job.started};
 *   <li><b>bare</b>: a JDK {@code HttpClient} posts a webhook-sized body to the receivers in turn
 *       with as many requests in flight as the service allows itself (256): the ceiling;
 *   <li><b>throughput</b>: a backlog. The service is suspended ({@code kill -STOP}: warm, its
 *       consumer still in its group), all the {@code GenerationStarted} events are written to Kafka
 *       as the relay writes them and acked, and the service is resumed: deliveries per second from
 *       the resume to the last webhook received (and from the first webhook received). Fed live, the
 *       figure was the bench's producer's (acked at 237 events/s), not the service's; a restarted
 *       process would have the backlog too, but would be measured while its JIT warms up;
 *   <li><b>latency</b>: events paced at 20 a second; Kafka ack of the event → its webhook at the
 *       receiver (p50, p99, max). The outbox → Kafka leg is {@code ./run bench events}'.
 * </ul>
 * The service is the packaged jar in its own JVM ({@code -Xmx512m}) with its default delivery
 * settings, on the benchmark's embedded Postgres and Kafka; receivers and clients share this JVM.
 *
 * <pre>./run bench webhooks [events]</pre>  (default 4,000 events per throughput phase)
 */
public final class WebhooksBenchmark {

  private static final int ENDPOINTS = 100;
  private static final int IN_FLIGHT = 256;
  private static final Pattern JOB_ID = Pattern.compile("\"job_id\":\"([0-9a-f-]{36})\"");

  /** Job id → nanoTime its webhook arrived (first copy). */
  private final Map<String, Long> arrivals = new ConcurrentHashMap<>();
  private final AtomicLong received = new AtomicLong();
  private final List<HttpServer> receivers = new ArrayList<>();
  private final ExecutorService receiverThreads = Executors.newVirtualThreadPerTaskExecutor();

  public static void main(String[] args) throws Exception {
    int events = args.length > 0 ? Integer.parseInt(args[0]) : 4000;
    int code = 0;
    try {
      new WebhooksBenchmark().run(events);
    } catch (Exception | Error e) {
      e.printStackTrace();
      code = 1;
    }
    System.exit(code);
  }

  private void run(int events) throws Exception {
    SharedInfrastructure.get();
    for (int i = 0; i < ENDPOINTS; i++) {
      HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024);
      server.createContext("/", exchange -> {
        try (exchange) {
          byte[] body = exchange.getRequestBody().readAllBytes();
          long now = System.nanoTime();
          received.incrementAndGet();
          Matcher m = JOB_ID.matcher(new String(body, StandardCharsets.UTF_8));
          if (m.find()) {
            arrivals.putIfAbsent(m.group(1), now);
          }
          exchange.sendResponseHeaders(204, -1);
        }
      });
      server.setExecutor(receiverThreads);
      server.start();
      receivers.add(server);
    }
    String name = "webhooks-bench-" + ProcessHandle.current().pid();
    Path jar = jar();
    System.out.printf("webhooks bench: %d endpoints on loopback, %d events per phase, service %s%n",
        ENDPOINTS, events, jar);
    Map<String, String> overrides = overrides(System.getenv("BENCH_WEBHOOKS_PROPERTIES"));
    if (!overrides.isEmpty()) {
      System.out.println("service properties: " + overrides);
    }
    // BENCH_WEBHOOKS_JVM adds JVM options to the service's, e.g. a flight recording to profile it.
    List<String> jvm = new ArrayList<>(List.of("-Xmx512m", "-XX:+UseG1GC"));
    String extraJvm = System.getenv("BENCH_WEBHOOKS_JVM");
    if (extraJvm != null && !extraJvm.isBlank()) {
      jvm.addAll(List.of(extraJvm.trim().split("\\s+")));
    }
    try (WebhooksProcess service = WebhooksProcess.startJar(jar, name, overrides, jvm);
        EventDelivery kafka = new EventDelivery(name.replace("-", ""))) {
      String secret = WebhooksProcess.properties(name).get("emprops.internal.secret");
      List<String> users = new ArrayList<>();
      for (int i = 0; i < ENDPOINTS; i++) {
        String user = "bench-user-" + i;
        new WebhooksClient(service.baseUrl(), secret, user)
            .register("http://127.0.0.1:" + receivers.get(i).getAddress().getPort() + "/hook", "job.started");
        users.add(user);
      }
      String sample = sampleBody();

      System.out.println("warm-up …");
      backlog(service, name, kafka, users, Math.min(events, 1500));
      paced(kafka, users, 200, 50);
      bare(sample, Math.min(events, 1500));

      double bareRate = bare(sample, events);
      Drained drained = backlog(service, name, kafka, users, events);
      double[] latency = paced(kafka, users, 400, 20);

      System.out.println();
      System.out.println("| measure | value |");
      System.out.println("|---|---|");
      System.out.printf("| bare HttpClient → 100 receivers (%d in flight), %d requests | %.0f requests/s |%n",
          IN_FLIGHT, events, bareRate);
      System.out.printf("| backlog of %d events in Kafka (pre-loaded at %.0f/s) → webhooks, resume → last |"
          + " %.0f deliveries/s |%n", events, drained.preloaded(), drained.fromResume());
      System.out.printf("| same backlog, first webhook (%.0f ms after resume) → last | %.0f deliveries/s |%n",
          drained.firstAfterMillis(), drained.fromFirst());
      System.out.printf("| ratio service (resume → last) / bare | %.2f (target ≥ 0.5) |%n",
          drained.fromResume() / bareRate);
      System.out.printf("| event → webhook at 20/s: p50 / p99 / max | %.1f / %.1f / %.1f ms (target p99 ≤ 100 ms) |%n",
          latency[0], latency[1], latency[2]);
    } finally {
      receivers.forEach(s -> s.stop(0));
      receiverThreads.shutdownNow();
    }
  }

  /** {@code k=v,k=v}: service properties to try against the defaults (e.g. partitions and consumer threads). */
  private static Map<String, String> overrides(String spec) {
    Map<String, String> properties = new java.util.LinkedHashMap<>();
    if (spec != null && !spec.isBlank()) {
      for (String pair : spec.split(",")) {
        String[] kv = pair.split("=", 2);
        properties.put(kv[0].trim(), kv[1].trim());
      }
    }
    return properties;
  }

  /**
   * Events per second Kafka acked while pre-loading; deliveries per second from the resume and
   * from the first webhook to the last; ms from the resume to the first webhook.
   */
  private record Drained(double preloaded, double fromResume, double fromFirst, double firstAfterMillis) {}

  /**
   * {@code count} events written to Kafka while the service is suspended, then drained by it: what
   * the service can deliver when its feed is not the limit.
   */
  private Drained backlog(WebhooksProcess service, String name, EventDelivery kafka, List<String> users, int count)
      throws Exception {
    List<UUID> jobs = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      jobs.add(UUID.randomUUID());
    }
    long copiesBefore = received.get();
    double preloaded;
    service.suspend();
    // Read before resuming: the kill command takes longer to exit than the service to send its first webhook.
    long resumed;
    Instant resumedAt;
    try {
      preloaded = preload(kafka, users, jobs);
    } finally {
      resumed = System.nanoTime();
      resumedAt = Instant.now();
      service.resume();
    }
    awaitAll(jobs, Duration.ofMinutes(5));
    long first = jobs.stream().mapToLong(j -> arrivals.get(j.toString())).min().orElseThrow();
    long last = jobs.stream().mapToLong(j -> arrivals.get(j.toString())).max().orElseThrow();
    Drained drained = new Drained(preloaded, count / ((last - resumed) / 1e9), count / ((last - first) / 1e9),
        (first - resumed) / 1e6);
    System.out.printf("backlog of %d: pre-loaded at %.0f events/s; first webhook %.0f ms after resume, last %.0f ms;"
            + " %.0f deliveries/s from resume, %.0f from the first; %d copies received%n",
        count, preloaded, drained.firstAfterMillis(), (last - resumed) / 1e6, drained.fromResume(),
        drained.fromFirst(), received.get() - copiesBefore);
    printFanOut(name, resumedAt);
    return drained;
  }

  /**
   * How fast the consumer turned the backlog into delivery rows (their {@code created_at} is their
   * fan-out transaction's start): if it is about the delivery rate, the fan-out bounds it, not the sender.
   */
  private static void printFanOut(String name, Instant since) throws SQLException {
    Map<String, String> p = WebhooksProcess.properties(name);
    try (Connection db = DriverManager.getConnection(p.get("spring.datasource.url"),
            p.get("spring.datasource.username"), p.get("spring.datasource.password"));
        PreparedStatement rows = db.prepareStatement("""
            SELECT count(*), extract(epoch FROM max(created_at) - ?) * 1000
            FROM deliveries WHERE created_at >= ?""")) {
      rows.setObject(1, since.atOffset(ZoneOffset.UTC));
      rows.setObject(2, since.atOffset(ZoneOffset.UTC));
      try (ResultSet r = rows.executeQuery()) {
        r.next();
        System.out.printf("  fan-out: %d delivery rows, the last created %.0f ms after resume (%.0f/s)%n",
            r.getLong(1), r.getDouble(2), r.getLong(1) / (r.getDouble(2) / 1000));
      }
    }
  }

  /** Writes one event per job without waiting for each, then waits for every ack; events acked per second. */
  private static double preload(EventDelivery kafka, List<String> users, List<UUID> jobs) throws Exception {
    long start = System.nanoTime();
    List<Future<RecordMetadata>> acks = new ArrayList<>(jobs.size());
    for (int i = 0; i < jobs.size(); i++) {
      acks.add(kafka.sendAsync(event(jobs.get(i), users.get(i % users.size()))));
    }
    kafka.flush();
    for (Future<RecordMetadata> ack : acks) {
      ack.get(30, TimeUnit.SECONDS);
    }
    return jobs.size() / ((System.nanoTime() - start) / 1e9);
  }

  /** Sends {@code count} events at {@code perSecond}; p50, p99 and max of Kafka ack → arrival, ms. */
  private double[] paced(EventDelivery kafka, List<String> users, int count, int perSecond) throws Exception {
    Map<UUID, Long> acked = new ConcurrentHashMap<>();
    long period = 1_000_000_000L / perSecond;
    long start = System.nanoTime();
    for (int i = 0; i < count; i++) {
      long due = start + i * period;
      long wait = due - System.nanoTime();
      if (wait > 0) {
        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
      }
      UUID job = UUID.randomUUID();
      kafka.send(event(job, users.get(i % users.size())));
      acked.put(job, System.nanoTime());
    }
    awaitAll(new ArrayList<>(acked.keySet()), Duration.ofMinutes(2));
    double[] millis = acked.entrySet().stream()
        .mapToDouble(e -> (arrivals.get(e.getKey().toString()) - e.getValue()) / 1e6).sorted().toArray();
    return new double[] {percentile(millis, 0.50), percentile(millis, 0.99), millis[millis.length - 1]};
  }

  /** The bare client: {@code count} POSTs of {@code body}, {@link #IN_FLIGHT} at a time; requests per second. */
  private double bare(String body, int count) throws Exception {
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5)).build();
    Semaphore slots = new Semaphore(IN_FLIGHT);
    AtomicLong failed = new AtomicLong();
    long start = System.nanoTime();
    for (int i = 0; i < count; i++) {
      slots.acquire();
      URI uri = URI.create("http://127.0.0.1:" + receivers.get(i % ENDPOINTS).getAddress().getPort() + "/bare");
      http.sendAsync(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(15))
              .header("Content-Type", "application/json")
              .header("webhook-id", "msg_" + UUID.randomUUID().toString().replace("-", ""))
              .header("webhook-timestamp", Long.toString(Instant.now().getEpochSecond()))
              .header("webhook-signature", "v1,bare")
              .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.discarding())
          .whenComplete((response, error) -> {
            if (error != null || response.statusCode() != 204) {
              failed.incrementAndGet();
            }
            slots.release();
          });
    }
    slots.acquire(IN_FLIGHT);
    double rate = count / ((System.nanoTime() - start) / 1e9);
    http.close();
    if (failed.get() > 0) {
      throw new IllegalStateException(failed.get() + " bare requests failed");
    }
    return rate;
  }

  private void awaitAll(List<UUID> jobs, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!jobs.stream().allMatch(j -> arrivals.containsKey(j.toString()))) {
      if (System.nanoTime() > deadline) {
        long missing = jobs.stream().filter(j -> !arrivals.containsKey(j.toString())).count();
        throw new IllegalStateException(missing + " of " + jobs.size() + " webhooks not received in " + timeout);
      }
      Thread.sleep(5);
    }
  }

  private static GenerationStarted event(UUID job, String user) {
    return new GenerationStarted(job, user, UUID.randomUUID(), 4, 4, Instant.now());
  }

  /** A job.started body as the service sends it (same size for the bare client). */
  private static String sampleBody() {
    return "{\"type\":\"job.started\",\"timestamp\":\"" + Instant.now() + "\",\"version\":1,\"data\":{\"job_id\":\""
        + UUID.randomUUID() + "\",\"collection_id\":\"" + UUID.randomUUID()
        + "\",\"generations\":4,\"total_steps\":4,\"started_at\":\"" + Instant.now() + "\"}}";
  }

  private static double percentile(double[] sorted, double q) {
    return sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)];
  }

  private static Path jar() {
    for (Path candidate : Arrays.asList(Path.of("webhooks-service/target/webhooks-service.jar"),
        Path.of("target/webhooks-service.jar"))) {
      if (Files.isRegularFile(candidate)) {
        return candidate.toAbsolutePath();
      }
    }
    throw new IllegalStateException("webhooks-service.jar not built (./run bench webhooks builds it)");
  }
}
