package io.emprops.e2e;

import io.emprops.localstack.infra.DevTokenIssuer;
import io.emprops.localstack.infra.Ports;
import io.emprops.localstack.infra.StackLayout;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.datatypes.Function;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.methods.request.Transaction;
import org.web3j.protocol.http.HttpService;
import tools.jackson.databind.JsonNode;

/**
 * {@code ./run bench mint}: the mint loop on the whole stack as {@code ./run} starts it (anvil mining a
 * block per transaction, confirmations 1 in the local stack, so a mint is confirmed when its
 * transaction returns).
 *
 * <p>One collection (one {@code mock-image} step) is published; a collector mints at a fixed rate
 * ({@code 5}/s by default); for every token: from the mint's confirmation to its metadata being final
 * (publishing's {@code tokens.ready_at}), against the development worker's own image time for that
 * token in the same run (its step's {@code claimed_at → completed_at} in the generator). Target:
 * p99 ≤ the worker's image time + 1 s, i.e. the suite's own part (follower, events, generator,
 * storage, publishing) p99 ≤ 1 s. Development workers: {@code [workers (4)]} started by the bench with
 * one progress report and a 150 ms image, so that the workers keep up with the mint rate and the
 * figure is the suite's, not a queue's.
 *
 * <p>Arguments: {@code [mints (60)] [per second (5)] [workers (4)]}.
 */
public final class MintBenchmark {

  private static final String RECEIVER = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
  private static final int WARM_UP = 5;

  private final RunningStack stack;
  private final Web3j chain;
  private final BenchSupport support;
  private final List<Process> workers = new ArrayList<>();
  /** Transaction hash → when the mint was confirmed (the send returned: automine, confirmations 1). */
  private final Map<String, Long> confirmedAt = new ConcurrentHashMap<>();

  private MintBenchmark(RunningStack stack) throws Exception {
    this.stack = stack;
    this.chain = Web3j.build(new HttpService("http://127.0.0.1:" + stack.port("chain")));
    this.support = new BenchSupport(stack);
  }

  public static void main(String[] args) throws Exception {
    int mints = args.length > 0 ? Integer.parseInt(args[0]) : 60;
    double rate = args.length > 1 ? Double.parseDouble(args[1]) : 5;
    int workerCount = args.length > 2 ? Integer.parseInt(args[2]) : 4;
    Path data = Files.createTempDirectory("emprops-bench-mint-");
    System.out.println("Starting the stack (without its development worker; the bench starts its own) …");
    try (RunningStack stack = RunningStack.start(data, Ports.freeBlock(32_400, StackLayout.PORT_BLOCK), "--no-worker")) {
      MintBenchmark bench = new MintBenchmark(stack);
      try {
        bench.startWorkers(workerCount, 150);
        bench.run(mints, rate);
      } finally {
        bench.close();
      }
    }
  }

  private void run(int mints, double rate) throws Exception {
    String collection = publishedCollection(WARM_UP + mints + 10);
    String contract = support.scalar("SELECT contract_address FROM publishing.publications WHERE collection_id = '" + collection + "'");
    String collector = chain.ethAccounts().send().getAccounts().get(3);

    // Warm-up: mints that load code everywhere, not counted.
    mintAtRate(contract, collector, WARM_UP, 1);
    awaitReady(collection, WARM_UP);
    List<String> warm = new ArrayList<>(confirmedAt.keySet());
    warm.forEach(confirmedAt::remove);

    long started = System.currentTimeMillis();
    mintAtRate(contract, collector, mints, rate);
    long sent = System.currentTimeMillis();
    awaitReady(collection, WARM_UP + mints);

    List<Long> latency = new ArrayList<>();
    List<Long> workerTime = new ArrayList<>();
    List<Long> suite = new ArrayList<>();
    // Where the time goes, per token: the services' own timestamps (one machine, one clock).
    List<List<Long>> phases = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>(),
        new ArrayList<>());
    for (List<String> row : support.rows("""
        SELECT t.tx_hash, %1$s,
               (SELECT (extract(epoch FROM sum(st.completed_at - st.claimed_at)) * 1000)::bigint
                  FROM generator.job_steps st WHERE st.job_id = t.job_id),
               %2$s, %3$s,
               (SELECT %4$s FROM generator.job_steps st WHERE st.job_id = t.job_id),
               (SELECT %5$s FROM generator.job_steps st WHERE st.job_id = t.job_id),
               (SELECT %6$s FROM generator.job_steps st WHERE st.job_id = t.job_id)
          FROM publishing.tokens t JOIN generator.jobs j ON j.id = t.job_id
         WHERE t.collection_id = '%7$s' AND t.status = 'ready'""".formatted(millis("t.ready_at"),
        millis("t.created_at"), millis("j.created_at"), millis("min(st.submitted_at)"), millis("min(st.claimed_at)"),
        millis("max(st.completed_at)"), collection))) {
      Long confirmed = confirmedAt.get(row.get(0));
      if (confirmed == null) {
        continue; // a warm-up mint
      }
      long ready = Long.parseLong(row.get(1));
      long worker = Long.parseLong(row.get(2));
      long followed = Long.parseLong(row.get(3));
      long jobCreated = Long.parseLong(row.get(4));
      long submitted = Long.parseLong(row.get(5));
      long claimed = Long.parseLong(row.get(6));
      long completed = Long.parseLong(row.get(7));
      latency.add(ready - confirmed);
      workerTime.add(worker);
      suite.add(ready - confirmed - worker);
      phases.get(0).add(followed - confirmed);
      phases.get(1).add(jobCreated - followed);
      phases.get(2).add(submitted - jobCreated);
      phases.get(3).add(claimed - submitted);
      phases.get(4).add(ready - completed);
    }
    long tokens = support.count("SELECT count(*) FROM publishing.tokens WHERE collection_id = '" + collection + "'");
    long jobs = support.count("SELECT count(*) FROM generator.jobs j JOIN publishing.tokens t ON t.job_id = j.id"
        + " WHERE t.collection_id = '" + collection + "'");
    long failed = support.count("SELECT count(*) FROM publishing.tokens WHERE status = 'failed' AND collection_id = '" + collection + "'");

    System.out.printf("%n%d mints at %.1f/s (sent in %,d ms), %d development workers (150 ms per image):%n",
        mints, rate, sent - started, workers.size());
    BenchSupport.report("  mint confirmed -> metadata final", latency);
    BenchSupport.report("  worker's own image time (same tokens)", workerTime);
    BenchSupport.report("  the suite's part (difference per token)", suite);
    System.out.println("  where the time goes (per token):");
    BenchSupport.report("    confirmed -> follower wrote the token", phases.get(0));
    BenchSupport.report("    token -> generator created the job", phases.get(1));
    BenchSupport.report("    job -> its step submitted to the queue", phases.get(2));
    BenchSupport.report("    submitted -> a worker claimed it", phases.get(3));
    BenchSupport.report("    worker completed -> stored, token ready", phases.get(4));
    double p99 = BenchSupport.percentile(latency, 99);
    double target = BenchSupport.percentile(workerTime, 99) + 1000;
    System.out.printf("  target p99 <= worker image time p99 + 1 s = %,.0f ms: %s (suite's part p99 %,.0f ms)%n",
        target, p99 <= target ? "met" : "NOT met", BenchSupport.percentile(suite, 99));
    System.out.printf("  tokens %d, generation jobs %d, failed %d: %s%n", tokens, jobs, failed,
        tokens == WARM_UP + mints && jobs == tokens && failed == 0 ? "one generation per token" : "CHECK");
  }

  /** A timestamp expression as epoch milliseconds. */
  private static String millis(String timestamp) {
    return "(extract(epoch FROM " + timestamp + ") * 1000)::bigint";
  }

  // ---- chain ------------------------------------------------------------------------------------

  private void mintAtRate(String contract, String collector, int count, double perSecond) throws Exception {
    String mint = FunctionEncoder.encode(new Function("mint", List.of(), List.of()));
    BigInteger price = new BigInteger("10000000000000000"); // 0.01 in wei
    long periodNanos = (long) (1e9 / perSecond);
    try (ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(4)) {
      List<java.util.concurrent.ScheduledFuture<?>> sends = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        sends.add(scheduler.schedule(() -> {
          String tx = chain.ethSendTransaction(Transaction.createFunctionCallTransaction(collector, null, null,
              BigInteger.valueOf(300_000), contract, price, mint)).send().getTransactionHash();
          if (tx == null) {
            throw new IllegalStateException("mint refused");
          }
          confirmedAt.put(tx, System.currentTimeMillis());
          return tx;
        }, i * periodNanos, TimeUnit.NANOSECONDS));
      }
      for (var send : sends) {
        send.get();
      }
    }
  }

  private void awaitReady(String collection, int count) throws Exception {
    long deadline = System.currentTimeMillis() + 300_000;
    while (support.count("SELECT count(*) FROM publishing.tokens WHERE status IN ('ready', 'failed') AND collection_id = '"
        + collection + "'") < count) {
      if (System.currentTimeMillis() > deadline) {
        throw new IllegalStateException("tokens not ready within 5 min: " + support.scalar(
            "SELECT string_agg(status || ':' || n, ', ') FROM (SELECT status, count(*) n FROM publishing.tokens"
                + " WHERE collection_id = '" + collection + "' GROUP BY status) s"));
      }
      Thread.sleep(20);
    }
  }

  // ---- the collection ---------------------------------------------------------------------------

  /** A one-step collection of a user of its own, published and confirmed. */
  private String publishedCollection(int editions) throws Exception {
    String user = "bench-" + java.util.UUID.randomUUID();
    String token = DevTokenIssuer.mint(stack.dataDirectory.resolve("dev-issuer").resolve("signing-key.json"), user,
        List.of("user"), Duration.ofHours(1));
    JsonNode created = support.send("POST", "/api/collections/create", token, """
        {"title": "Mint bench", "instruction_set": {"version": "v2",
          "steps": [{"id": 1, "nodeName": "mock-image", "nodePayload": {"prompt": "bench"}}],
          "generations": {"generations": 1, "hashes": [], "use_custom_hashes": false}, "variables": []}}""", 201);
    String id = created.get("id").asString();
    String path = "/projects/" + created.get("project_id").asString() + "/collections/" + id;
    support.send("PUT", path, token, "{\"blockchain\": \"BASE\", \"editions\": " + editions + ", \"price\": 0.01}", 204);
    support.send("POST", path + "/receivers", token, "{\"receivers\": [{\"address\": \"" + RECEIVER + "\", \"value\": 100}]}", 200);
    support.send("POST", "/collections/" + id + "/publish", token, "", 202);
    long deadline = System.currentTimeMillis() + 60_000;
    while (support.count("SELECT count(*) FROM publishing.publications WHERE status = 'confirmed' AND collection_id = '"
        + id + "'") == 0) {
      if (System.currentTimeMillis() > deadline) {
        throw new IllegalStateException("collection " + id + " not published within 60 s");
      }
      Thread.sleep(20);
    }
    return id;
  }

  /** Development workers as the launcher starts its own, but quicker: one report, then the image. */
  private void startWorkers(int count, int delayMillis) throws Exception {
    String redis = Files.readAllLines(stack.dataDirectory.resolve("env/job-queue.env")).stream()
        .filter(l -> l.startsWith("REDIS_URL=")).findFirst().orElseThrow()
        .substring("REDIS_URL=".length()).replaceAll("^'|'$", "");
    String java = ProcessHandle.current().info().command().orElse("java");
    for (int i = 0; i < count; i++) {
      ProcessBuilder builder = new ProcessBuilder(java, "-Xmx128m", "-XX:+UseSerialGC", "-Djava.awt.headless=true",
          "-jar", stack.root.resolve("deploy/dev-worker/target/dev-worker.jar").toString(), "--service", "mock",
          "--steps", "1", "--step-delay-ms", Integer.toString(delayMillis), "--worker-id", "mint-bench-worker-" + i)
          .redirectErrorStream(true).redirectOutput(stack.dataDirectory.resolve("mint-bench-worker-" + i + ".log").toFile());
      builder.environment().put("SPRING_DATA_REDIS_URL", redis); // the password stays off the command line
      workers.add(builder.start());
    }
  }

  private void close() throws Exception {
    for (Process worker : workers) {
      worker.destroy(); // by handle: the processes this bench started
      worker.waitFor(10, TimeUnit.SECONDS);
    }
    chain.shutdown();
    support.close();
  }
}
