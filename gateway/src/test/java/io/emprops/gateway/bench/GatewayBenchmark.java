package io.emprops.gateway.bench;

import io.emprops.gateway.GatewayApplication;
import io.emprops.gateway.support.ServiceStandIn;
import io.emprops.localstack.launcher.App;
import io.emprops.localstack.launcher.AppProperties;
import io.emprops.localstack.testing.SharedInfrastructure;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * What the gateway costs: one small authenticated GET, sent straight to a stub service and
 * through the gateway (JWT verification, Redis rate limit, identity signing) in the same run.
 * First the maximum throughput of each path (closed loop), then latency at half of the
 * gateway's maximum (open loop, measured from each request's scheduled start so that queueing
 * counts). Not a test: run with
 * {@code ./mvnw -B -q -o -pl gateway test-compile exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=io.emprops.gateway.bench.GatewayBenchmark} ({@code -Dbench.path=/health/credits}
 * in MAVEN_OPTS measures another path, {@code -Dbench.instances=2} the balanced route: the stub
 * configured as that many instances).
 */
public final class GatewayBenchmark {

  private static final int CONCURRENCY = 32;
  private static final Duration WARM_UP = Duration.ofSeconds(5);
  private static final Duration MEASURE = Duration.ofSeconds(8);
  private static final String PATH = System.getProperty("bench.path", "/credits/balance");
  private static final int INSTANCES = Integer.getInteger("bench.instances", 1);

  private GatewayBenchmark() {}

  public static void main(String[] args) throws Exception {
    try (ServiceStandIn credits = ServiceStandIn.start("credits")) {
      ConfigurableApplicationContext gateway = startGateway(credits);
      try {
        int gatewayPort = ((WebServerApplicationContext) gateway).getWebServer().getPort();
        String token = SharedInfrastructure.get().issuer().mint("bench-user", List.of("user"), Duration.ofHours(1));
        URI direct = URI.create(credits.baseUrl() + PATH);
        URI proxied = URI.create("http://127.0.0.1:" + gatewayPort + PATH);
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .executor(Executors.newVirtualThreadPerTaskExecutor()).build();

        expectOk(http, direct, token);
        expectOk(http, proxied, token);

        double directMax = maxThroughput(http, direct, token);
        double gatewayMax = maxThroughput(http, proxied, token);
        double rate = gatewayMax / 2;
        Latencies directLatency = latencyAtRate(http, direct, token, rate);
        Latencies gatewayLatency = latencyAtRate(http, proxied, token, rate);

        System.out.printf("%nGET %s with a bearer token, %d connections, %d cores, %d instance(s)%n", PATH,
            CONCURRENCY, Runtime.getRuntime().availableProcessors(), INSTANCES);
        System.out.printf("max throughput   direct %8.0f req/s   gateway %8.0f req/s   ratio %.2f%n",
            directMax, gatewayMax, gatewayMax / directMax);
        System.out.printf("at %.0f req/s      direct p50 %6.2f ms p99 %6.2f ms   gateway p50 %6.2f ms p99 %6.2f ms%n",
            rate, directLatency.p50(), directLatency.p99(), gatewayLatency.p50(), gatewayLatency.p99());
        System.out.printf("added by the gateway: p50 %.2f ms, p99 %.2f ms%n",
            gatewayLatency.p50() - directLatency.p50(), gatewayLatency.p99() - directLatency.p99());
      } finally {
        gateway.close();
      }
    }
    System.exit(0);
  }

  private static ConfigurableApplicationContext startGateway(ServiceStandIn credits) {
    Map<String, Object> properties = new HashMap<>(AppProperties.forApp(App.GATEWAY, SharedInfrastructure.get()));
    properties.put("server.port", "0");
    for (String service : List.of("collections", "credits", "generator", "publishing", "storage", "webhooks")) {
      properties.put("emprops.gateway.services." + service,
          String.join(",", Collections.nCopies(INSTANCES, credits.baseUrl())));
    }
    // Counting stays on (one Redis round trip per request), the limit is out of reach.
    properties.put("emprops.gateway.rate-limits.standard.limit", "1000000000");
    properties.put("emprops.gateway.rate-limits.standard.window", "1m");
    properties.put("logging.level.root", "WARN");
    // As arguments, so that they override application.yml as the launcher's environment does.
    String[] arguments = properties.entrySet().stream()
        .map(property -> "--" + property.getKey() + "=" + property.getValue())
        .toArray(String[]::new);
    return new SpringApplicationBuilder(GatewayApplication.class).run(arguments);
  }

  private static void expectOk(HttpClient http, URI uri, String token) throws Exception {
    HttpResponse<String> response = http.send(request(uri, token), HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IllegalStateException(uri + " answered " + response.statusCode() + ": " + response.body());
    }
  }

  private static HttpRequest request(URI uri, String token) {
    return HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + token).GET().build();
  }

  /** Requests per second with {@link #CONCURRENCY} callers sending back to back. */
  private static double maxThroughput(HttpClient http, URI uri, String token) throws InterruptedException {
    closedLoop(http, uri, token, WARM_UP);
    return closedLoop(http, uri, token, MEASURE) / (MEASURE.toNanos() / 1e9);
  }

  private static long closedLoop(HttpClient http, URI uri, String token, Duration duration)
      throws InterruptedException {
    AtomicBoolean running = new AtomicBoolean(true);
    AtomicLong completed = new AtomicLong();
    AtomicLong failed = new AtomicLong();
    HttpRequest request = request(uri, token);
    try (ExecutorService callers = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int i = 0; i < CONCURRENCY; i++) {
        callers.submit(() -> {
          while (running.get()) {
            try {
              HttpResponse<Void> response = http.send(request, HttpResponse.BodyHandlers.discarding());
              (response.statusCode() == 200 ? completed : failed).incrementAndGet();
            } catch (Exception e) {
              failed.incrementAndGet();
            }
          }
        });
      }
      Thread.sleep(duration.toMillis());
      running.set(false);
    }
    if (failed.get() > 0) {
      System.out.printf("warning: %d failed requests to %s%n", failed.get(), uri);
    }
    return completed.get();
  }

  private record Latencies(double p50, double p99) {}

  /** Sends at a fixed rate regardless of answers; latency counts from each scheduled start. */
  private static Latencies latencyAtRate(HttpClient http, URI uri, String token, double perSecond) {
    HttpRequest request = request(uri, token);
    long interval = (long) (1e9 / perSecond);
    openLoop(http, request, interval, WARM_UP);
    long[] latencies = openLoop(http, request, interval, MEASURE);
    Arrays.sort(latencies);
    return new Latencies(percentile(latencies, 0.50), percentile(latencies, 0.99));
  }

  private static long[] openLoop(HttpClient http, HttpRequest request, long intervalNanos, Duration duration) {
    int count = (int) (duration.toNanos() / intervalNanos);
    List<CompletableFuture<Long>> answers = new ArrayList<>(count);
    long start = System.nanoTime();
    for (int i = 0; i < count; i++) {
      long scheduled = start + i * intervalNanos;
      long wait = scheduled - System.nanoTime();
      if (wait > 0) {
        LockSupport.parkNanos(wait);
      }
      answers.add(http.sendAsync(request, HttpResponse.BodyHandlers.discarding())
          .thenApply(response -> System.nanoTime() - scheduled));
    }
    return answers.stream().mapToLong(CompletableFuture::join).toArray();
  }

  private static double percentile(long[] sortedNanos, double quantile) {
    int index = Math.min(sortedNanos.length - 1, (int) Math.ceil(quantile * sortedNanos.length) - 1);
    return sortedNanos[Math.max(0, index)] / 1e6;
  }
}
