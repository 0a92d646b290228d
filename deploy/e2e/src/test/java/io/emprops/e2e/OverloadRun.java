package io.emprops.e2e;

import io.emprops.localstack.infra.DevTokenIssuer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Overload (issue 20, item 4): generation requests far beyond the development worker's capacity
 * (one step at a time, about 1.2 s each), through the gateway, from users with plenty of credits
 * and from users with credits for two generations, each asking for more than the gateway's
 * generation rate limit (10 per minute) allows. While the queue grows and drains, a probe
 * measures the API's answers to light reads against the same probe before the overload.
 *
 * <p>Reported: the probe's p50/p99 before, during the burst and backlog, and their ratio (target
 * p99 within 2x); the backlog's peak and drain time. Checked: every generation asked for ended,
 * each accepted one (202) completed with its image and each refused one (402) failed as
 * INSUFFICIENT_CREDITS (nothing dropped); no user got more than the rate
 * limit's answers per window, nor more generations than their credits paid for; every account's
 * balance equals its grants minus its completed generations. The stack runs without the starting
 * grant, so each user has exactly what the run grants.
 *
 * <pre>./run bench overload [--users N] [--poor-users N]</pre>
 */
public final class OverloadRun {

  private static final int RATE_LIMIT = 10;
  private static final int ASKS_PER_USER = RATE_LIMIT + 2;
  private static final long RICH_CREDITS = 100;
  private static final long POOR_CREDITS = 2;
  private static final Duration PROBE_EVERY = Duration.ofMillis(100);
  private static final Duration BASELINE = Duration.ofSeconds(30);
  /** The probe's first answers (its connection, the paths' first calls) are not the baseline. */
  private static final Duration PROBE_WARM_UP = Duration.ofSeconds(10);

  private record Answer(long start, long end, int status, String body, long rateLimitReset) {}

  private record Probe(long start, long millis, int status) {}

  private final RunningStack stack;
  private final BenchSupport db;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
  private final JsonMapper json = JsonMapper.builder().build();
  private final String runId = Long.toString(System.currentTimeMillis() % 1_000_000, 36);
  private final Map<String, String> tokens = new ConcurrentHashMap<>();
  private final Map<String, String> collections = new ConcurrentHashMap<>();
  private final Map<String, List<Answer>> asks = new ConcurrentHashMap<>();
  private final List<Probe> probes = new CopyOnWriteArrayList<>();
  private final List<String> verdicts = new ArrayList<>();
  private int failed;
  private volatile boolean probing = true;
  private long baselineStart;

  private OverloadRun(RunningStack stack) throws Exception {
    this.stack = stack;
    this.db = new BenchSupport(stack);
  }

  public static void main(String[] args) throws Exception {
    int richUsers = 12;
    int poorUsers = 4;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--users" -> richUsers = Integer.parseInt(args[++i]);
        case "--poor-users" -> poorUsers = Integer.parseInt(args[++i]);
        default -> throw new IllegalArgumentException("usage: ./run bench overload [--users N] [--poor-users N]");
      }
    }
    int code;
    // No starting grant: each user has exactly the credits the run grants.
    try (RunningStack stack = RunningStack.startForTool("overload", Map.of("EMPROPS_CREDITS_STARTINGGRANT", "0"))) {
      OverloadRun run = new OverloadRun(stack);
      try {
        code = run.run(richUsers, poorUsers);
      } finally {
        run.db.close();
      }
    }
    System.exit(code);
  }

  private int run(int richUsers, int poorUsers) throws Exception {
    Path key = stack.dataDirectory.resolve("dev-issuer").resolve("signing-key.json");
    Map<String, Long> granted = new TreeMap<>();
    for (int u = 0; u < richUsers + poorUsers; u++) {
      String user = "overload-" + runId + "-" + (u < richUsers ? "rich-" : "poor-") + u;
      tokens.put(user, DevTokenIssuer.mint(key, user, List.of("user"), Duration.ofHours(2)));
      long credits = u < richUsers ? RICH_CREDITS : POOR_CREDITS;
      Answer grant = call("POST", "/credits/grants", stack.devToken,
          "{\"user_id\": \"" + user + "\", \"amount\": " + credits + ", \"reason\": \"overload\"}", "grant-" + user);
      if (grant.status() != 201) {
        throw new IllegalStateException("grant for " + user + ": " + grant.status() + " " + grant.body());
      }
      granted.put(user, credits);
      JsonNode created = db.send("POST", "/api/collections/create", tokens.get(user), """
          {"title": "Overload %s", "instruction_set": {"version": "v2",
            "steps": [{"id": 1, "nodeName": "mock-image", "nodePayload": {"prompt": "overload {{subject}}"}}],
            "generations": {"generations": 1, "hashes": [], "use_custom_hashes": false},
            "variables": [{"name": "subject", "type": "text", "value": "fox"}]}}""".formatted(user), 201);
      collections.put(user, created.get("id").asString());
    }
    // Asked before the generator has the collection, a generation is a 404 that spends the limit.
    long deadline = System.currentTimeMillis() + 60_000;
    String ids = collections.values().stream().map(id -> "'" + id + "'").collect(Collectors.joining(","));
    while (db.count("SELECT count(*) FROM generator.collection_views WHERE collection_id IN (" + ids + ")")
        < collections.size()) {
      if (System.currentTimeMillis() > deadline) {
        throw new IllegalStateException("the generator did not learn the collections within 60 s");
      }
      Thread.sleep(250);
    }

    String probeUser = tokens.keySet().iterator().next();
    Thread probe = Thread.ofPlatform().name("overload-probe").start(() -> probe(probeUser));
    System.out.printf("Probe: GET /credits/balance and GET /collections/{id} every %d ms; %d s warm-up, %d s unloaded …%n",
        PROBE_EVERY.toMillis(), PROBE_WARM_UP.toSeconds(), BASELINE.toSeconds());
    Thread.sleep(PROBE_WARM_UP.toMillis());
    baselineStart = System.currentTimeMillis();
    Thread.sleep(BASELINE.toMillis());
    long burstStart = System.currentTimeMillis();
    System.out.printf("Overload: %d users with %d credits and %d with %d ask %d generations each at once%n",
        richUsers, RICH_CREDITS, poorUsers, POOR_CREDITS, ASKS_PER_USER);
    List<Thread> askers = new ArrayList<>();
    for (String user : tokens.keySet()) {
      askers.add(Thread.ofPlatform().name("overload-" + user).start(() -> ask(user)));
    }
    for (Thread t : askers) {
      t.join();
    }
    long burstEnd = System.currentTimeMillis();
    List<String> accepted = asks.values().stream().flatMap(List::stream).filter(a -> a.status() == 202)
        .map(a -> json.readTree(a.body()).get("data").get("job_id").asString()).toList();
    System.out.printf("  %d asks in %.1f s, %d accepted; waiting for the backlog to drain …%n",
        asks.values().stream().mapToInt(List::size).sum(), (burstEnd - burstStart) / 1000.0, accepted.size());

    String users = "user_id LIKE 'overload-" + runId + "-%'";
    long peak = 0;
    long drained = -1;
    long drainDeadline = burstEnd + 15 * 60_000;
    while (System.currentTimeMillis() < drainDeadline) {
      long open = db.count("SELECT count(*) FROM generator.jobs WHERE " + users
          + " AND status NOT IN ('completed','failed','cancelled')");
      peak = Math.max(peak, open);
      if (open == 0) {
        drained = System.currentTimeMillis();
        break;
      }
      Thread.sleep(1_000);
    }
    probing = false;
    probe.join();
    Thread.sleep(3_000); // the last settlements' events
    check(granted, accepted, users);
    report(burstStart, burstEnd, drained, peak, accepted.size());
    System.out.println("\nInvariants:");
    verdicts.forEach(v -> System.out.println("  " + v));
    System.out.println(failed == 0 ? "\nOVERLOAD: all invariants hold" : "\nOVERLOAD: " + failed + " FAILED");
    return failed == 0 ? 0 : 1;
  }

  /** One user's asks, one after the other as fast as the answers come. */
  private void ask(String user) {
    List<Answer> answers = new ArrayList<>();
    for (int i = 0; i < ASKS_PER_USER; i++) {
      try {
        answers.add(call("POST", "/collections/" + collections.get(user) + "/generations", tokens.get(user), "{}",
            "overload-" + UUID.randomUUID()));
      } catch (Exception e) {
        answers.add(new Answer(System.currentTimeMillis(), System.currentTimeMillis(), -1, e.toString(), -1));
      }
    }
    asks.put(user, answers);
  }

  private void probe(String user) {
    String token = tokens.get(user);
    List<String> paths = List.of("/credits/balance", "/collections/" + collections.get(user));
    long due = System.currentTimeMillis();
    int i = 0;
    while (probing) {
      try {
        Answer a = call("GET", paths.get(i++ % paths.size()), token, null, null);
        probes.add(new Probe(a.start(), a.end() - a.start(), a.status()));
        due += PROBE_EVERY.toMillis();
        Thread.sleep(Math.max(0, due - System.currentTimeMillis()));
      } catch (Exception e) {
        probes.add(new Probe(System.currentTimeMillis(), -1, -1));
      }
    }
  }

  private Answer call(String method, String path, String token, String body, String idempotencyKey)
      throws IOException, InterruptedException {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(stack.gatewayUrl + path))
        .timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + token)
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      request.header("Content-Type", "application/json");
    }
    if (idempotencyKey != null) {
      request.header("Idempotency-Key", idempotencyKey);
    }
    long start = System.currentTimeMillis();
    HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    long reset = response.headers().firstValue("X-RateLimit-Reset").map(Long::parseLong).orElse(-1L);
    return new Answer(start, System.currentTimeMillis(), response.statusCode(), response.body(), reset);
  }

  private void check(Map<String, Long> granted, List<String> accepted, String users) throws Exception {
    // Nothing dropped: every generation asked for ended — each accepted one (202) completed with its
    // stored image, each refused one (402, after its credit decision) failed as
    // INSUFFICIENT_CREDITS, spending nothing.
    long paymentRequired = asks.values().stream().flatMap(List::stream).filter(a -> a.status() == 402).count();
    Map<String, Long> byOutcome = new TreeMap<>();
    for (List<String> row : db.rows("SELECT status || coalesce(' ' || error_code, ''), count(*) FROM generator.jobs WHERE "
        + users + " GROUP BY 1")) {
      byOutcome.put(row.get(0), Long.parseLong(row.get(1)));
    }
    long completed = byOutcome.getOrDefault("completed", 0L);
    long refused = byOutcome.getOrDefault("failed INSUFFICIENT_CREDITS", 0L);
    long completedWithImage = db.count("SELECT count(DISTINCT j.id) FROM generator.jobs j JOIN generator.job_outputs o"
        + " ON o.job_id = j.id WHERE j." + users + " AND j.status = 'completed' AND o.asset_id IS NOT NULL");
    // (A 202 "pending" whose decision came after the request's wait is refused later, as a job.)
    verdict(completedWithImage == completed && completed + refused == accepted.size() + paymentRequired
            && byOutcome.values().stream().mapToLong(Long::longValue).sum() == completed + refused,
        "every generation ended: completed with its image, or refused",
        "%d accepted, %d refused; jobs by outcome %s; %d completed with a stored image".formatted(accepted.size(),
            paymentRequired, byOutcome, completedWithImage));

    // Rate limits: within one window (the answers' X-RateLimit-Reset), at most the limit got through,
    // and a user whose asks all fell in one window was refused the ones past it. (A burst that
    // straddles a window's end may pass whole, in two windows: not a failure.)
    long overLimit = 0;
    long limited = 0;
    long unlimited = 0;
    for (List<Answer> answers : asks.values()) {
      Map<Long, Long> passedPerWindow = answers.stream().filter(a -> a.status() != 429 && a.status() > 0)
          .collect(Collectors.groupingBy(Answer::rateLimitReset, Collectors.counting()));
      overLimit += passedPerWindow.values().stream().filter(n -> n > RATE_LIMIT).count();
      long tooMany = answers.stream().filter(a -> a.status() == 429).count();
      limited += tooMany;
      long windows = answers.stream().filter(a -> a.status() > 0).map(Answer::rateLimitReset).distinct().count();
      if (windows == 1 && answers.size() > RATE_LIMIT && tooMany == 0) {
        unlimited++;
      }
    }
    verdict(overLimit == 0 && unlimited == 0, "the generation rate limit held (429 past 10 per window)",
        "%d answered 429; %d windows over the limit; %d users all of whose asks fell in one window and passed"
            .formatted(limited, overLimit, unlimited));

    // Credits: nobody got more generations than they paid for; balances equal grants minus charges.
    long overspent = 0;
    long mismatched = 0;
    long fiveHundreds = 0;
    StringBuilder detail = new StringBuilder();
    for (Map.Entry<String, Long> e : granted.entrySet()) {
      String user = e.getKey();
      fiveHundreds += asks.getOrDefault(user, List.of()).stream().filter(a -> a.status() >= 500 || a.status() < 0).count();
      long completedOfUser = db.count("SELECT count(*) FROM generator.jobs WHERE user_id = '" + user
          + "' AND status = 'completed'");
      if (completedOfUser > e.getValue()) {
        overspent++;
      }
      String balance = db.scalar("SELECT balance || '/' || reserved FROM credits.accounts WHERE user_id = '" + user + "'");
      if (!(e.getValue() - completedOfUser + "/0").equals(balance)) {
        mismatched++;
        detail.append(' ').append(user).append(' ').append(balance).append(" vs ").append(e.getValue() - completedOfUser);
      }
    }
    verdict(overspent == 0 && paymentRequired > 0, "credit checks held (402 past the credits)",
        "%d answered 402; %d users served beyond their credits".formatted(paymentRequired, overspent));
    verdict(mismatched == 0, "every balance = grants − completed generations, nothing reserved",
        "%d of %d accounts differ%s".formatted(mismatched, granted.size(), detail));
    verdict(fiveHundreds == 0, "no generation request answered 5xx or not at all", fiveHundreds + " such answers");
  }

  private void report(long burstStart, long burstEnd, long drained, long peak, int accepted) {
    List<Long> before = probes.stream().filter(p -> p.start() >= baselineStart && p.start() < burstStart
        && p.millis() >= 0).map(Probe::millis).toList();
    long loadEnd = drained > 0 ? drained : System.currentTimeMillis();
    List<Long> during = probes.stream().filter(p -> p.start() >= burstStart && p.start() <= loadEnd && p.millis() >= 0)
        .map(Probe::millis).toList();
    long probeErrors = probes.stream().filter(p -> p.status() < 0 || p.status() >= 500).count();
    double p99Before = BenchSupport.percentile(before, 99);
    double p99During = BenchSupport.percentile(during, 99);
    System.out.printf("%nProbe (light reads through the gateway): unloaded p50 %.1f / p99 %.1f ms (%d); during the"
            + " burst and its backlog p50 %.1f / p99 %.1f ms (%d); p99 ratio %.2f; %d errors%n",
        BenchSupport.percentile(before, 50), p99Before, before.size(), BenchSupport.percentile(during, 50), p99During,
        during.size(), p99During / p99Before, probeErrors);
    Map<Integer, Long> codes = asks.values().stream().flatMap(List::stream)
        .collect(Collectors.groupingBy(Answer::status, TreeMap::new, Collectors.counting()));
    List<Long> askMillis = asks.values().stream().flatMap(List::stream).map(a -> a.end() - a.start()).toList();
    System.out.printf("Generation asks: %s; answered p50 %.1f / p99 %.1f ms, all within %.1f s%n", codes,
        BenchSupport.percentile(askMillis, 50), BenchSupport.percentile(askMillis, 99), (burstEnd - burstStart) / 1000.0);
    System.out.printf("Backlog: peak %d open jobs; drained %s after the burst (%s generations/s)%n", peak,
        drained > 0 ? String.format("%.1f s", (drained - burstEnd) / 1000.0) : "NOT within 15 min",
        drained > 0 ? String.format("%.2f", accepted * 1000.0 / (drained - burstStart)) : "-");
    verdict(p99During <= 2 * p99Before, "API p99 under overload within 2x its unloaded p99",
        "%.1f vs %.1f ms".formatted(p99During, p99Before));
  }

  private void verdict(boolean pass, String what, String counts) {
    verdicts.add(String.format("%-4s  %-60s %s", pass ? "PASS" : "FAIL", what, counts));
    if (!pass) {
      failed++;
    }
  }
}
