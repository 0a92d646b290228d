package io.emprops.e2e;

import io.emprops.localstack.infra.DevTokenIssuer;
import io.emprops.localstack.infra.Ports;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.http.HttpService;
import tools.jackson.databind.JsonNode;

/**
 * {@code ./run bench publishing}: the publication saga on the whole stack, started as {@code ./run}
 * starts it, with anvil mining a block every second.
 *
 * <ol>
 *   <li>Latency: collections published one at a time; from the client's {@code POST /publish} to
 *       publishing's {@code confirmed} and to the collection's {@code published}, against the chain's
 *       block interval measured in the same run. Target: p99 ≤ block time × (confirmations + 1) + 1 s.
 *   <li>Pipelining: 50 collections published at once from the one signer: all confirmed, nonces
 *       contiguous, none deployed twice, the total time and the blocks it spanned. Target: ⌈50 ×
 *       deployment gas ÷ block gas limit⌉ + confirmations + 2 blocks.
 * </ol>
 *
 * Arguments: {@code [samples (20)] [parallel (50)]}. Timestamps of confirmations are the services'
 * own (their rows), read from Postgres; the clients and the services share this machine's clock.
 */
public final class PublishingBenchmark {

  private static final String RECEIVER = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
  private static final int CONFIRMATIONS = 1; // the local stack's chain entry

  private final RunningStack stack;
  private final Web3j chain;
  private final BenchSupport support;
  private final Path issuerKey;
  private final Map<Long, Long> blockArrivals = new ConcurrentSkipListMap<>();
  private volatile boolean watching = true;

  private PublishingBenchmark(RunningStack stack) throws Exception {
    this.stack = stack;
    this.chain = Web3j.build(new HttpService("http://127.0.0.1:" + stack.port("chain")));
    this.support = new BenchSupport(stack);
    this.issuerKey = stack.dataDirectory.resolve("dev-issuer").resolve("signing-key.json");
  }

  public static void main(String[] args) throws Exception {
    int samples = args.length > 0 ? Integer.parseInt(args[0]) : 20;
    int parallel = args.length > 1 ? Integer.parseInt(args[1]) : 50;
    Path data = Files.createTempDirectory("emprops-bench-publishing-");
    System.out.println("Starting the stack (anvil with a 1 s block time) …");
    try (RunningStack stack = RunningStack.start(data, Ports.freeBlock(32_200, io.emprops.localstack.infra.StackLayout.PORT_BLOCK),
        "--chain-block-time", "1", "--no-worker")) {
      PublishingBenchmark bench = new PublishingBenchmark(stack);
      try {
        bench.run(samples, parallel);
      } finally {
        bench.close();
      }
    }
  }

  private void run(int samples, int parallel) throws Exception {
    Thread watcher = Thread.ofPlatform().daemon().start(this::watchBlocks);
    String receiver = RECEIVER;
    // Warm-up: one publication, not counted (first requests load classes everywhere).
    publishAndWait(prepare(receiver));

    List<Long> confirmed = new ArrayList<>();
    List<Long> published = new ArrayList<>();
    for (int i = 0; i < samples; i++) {
      String id = prepare(receiver);
      long sent = System.currentTimeMillis();
      publishAndWait(id);
      confirmed.add(confirmedAt(id) - sent);
      published.add(publishedAt(id) - sent);
    }
    double blockTime = blockIntervalMillis();
    System.out.printf("%nLatency, %d publications one at a time (confirmations %d):%n", samples, CONFIRMATIONS);
    System.out.printf("  chain block interval (same run)     mean %.0f ms over %d blocks%n", blockTime, blockArrivals.size());
    BenchSupport.report("  POST /publish -> publishing confirmed", confirmed);
    BenchSupport.report("  POST /publish -> collection published", published);
    double target = blockTime * (CONFIRMATIONS + 1) + 1000;
    System.out.printf("  target p99 <= block time x (confirmations + 1) + 1 s = %.0f ms: %s (%.2f x block time)%n",
        target, BenchSupport.percentile(confirmed, 99) <= target ? "met" : "NOT met", BenchSupport.percentile(confirmed, 99) / blockTime);

    pipelined(parallel, receiver);
    watching = false;
    watcher.join();
  }

  private void pipelined(int count, String receiver) throws Exception {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      ids.add(prepare(receiver));
    }
    String signer = support.scalar("SELECT DISTINCT signer FROM publishing.publications WHERE signer IS NOT NULL LIMIT 1");
    BigInteger nonceBefore = chain.ethGetTransactionCount(signer, DefaultBlockParameterName.LATEST).send()
        .getTransactionCount();
    long headBefore = chain.ethBlockNumber().send().getBlockNumber().longValueExact();
    long started = System.currentTimeMillis();
    try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
      List<Future<?>> posts = new ArrayList<>();
      for (String id : ids) {
        posts.add(pool.submit(() -> post("/collections/" + id + "/publish", tokenFor(id), "", 202)));
      }
      for (Future<?> post : posts) {
        post.get();
      }
    }
    String in = ids.stream().map(id -> "'" + id + "'").collect(Collectors.joining(","));
    while (support.count(("SELECT count(*) FROM publishing.publications WHERE status = 'confirmed' AND collection_id IN (%s)")
        .formatted(in)) < count) {
      if (support.count("SELECT count(*) FROM publishing.publications WHERE status = 'failed' AND collection_id IN (%s)"
          .formatted(in)) > 0) {
        throw new IllegalStateException("a publication failed: " + support.scalar(
            "SELECT error FROM publishing.publications WHERE status = 'failed' AND collection_id IN (%s) LIMIT 1".formatted(in)));
      }
      Thread.sleep(20);
    }
    long lastConfirmed = support.count(("SELECT (extract(epoch FROM max(confirmed_at)) * 1000)::bigint FROM publishing.publications"
        + " WHERE collection_id IN (%s)").formatted(in));
    long lastBlock = support.count("SELECT max(block_number) FROM publishing.publications WHERE collection_id IN (%s)".formatted(in));
    long firstBlock = support.count("SELECT min(block_number) FROM publishing.publications WHERE collection_id IN (%s)".formatted(in));
    long lastSigned = support.count(("SELECT (extract(epoch FROM max(signed_at)) * 1000)::bigint FROM publishing.publication_transactions"
        + " WHERE collection_id IN (%s)").formatted(in));
    long lastRequested = support.count(("SELECT (extract(epoch FROM max(requested_at)) * 1000)::bigint FROM publishing.publications"
        + " WHERE collection_id IN (%s)").formatted(in));
    List<Long> nonces = support.longs("SELECT nonce FROM publishing.publications WHERE collection_id IN (%s) ORDER BY nonce".formatted(in));
    long transactions = support.count("SELECT count(*) FROM publishing.publication_transactions WHERE collection_id IN (%s)"
        .formatted(in));
    long contracts = support.count("SELECT count(DISTINCT contract_address) FROM publishing.publications WHERE collection_id IN (%s)"
        .formatted(in));
    BigInteger nonceAfter = chain.ethGetTransactionCount(signer, DefaultBlockParameterName.LATEST).send()
        .getTransactionCount();
    String someTx = support.scalar("SELECT tx_hash FROM publishing.publications WHERE collection_id IN (%s) LIMIT 1".formatted(in));
    BigInteger gasUsed = chain.ethGetTransactionReceipt(someTx).send().getTransactionReceipt().orElseThrow().getGasUsed();
    BigInteger gasLimit = chain.ethGetBlockByNumber(DefaultBlockParameterName.LATEST, false).send().getBlock().getGasLimit();
    long blocksUsed = lastBlock + CONFIRMATIONS - 1 - headBefore;
    long target = (long) Math.ceil(count * gasUsed.doubleValue() / gasLimit.doubleValue()) + CONFIRMATIONS + 2;
    boolean contiguous = nonces.getLast() - nonces.getFirst() == count - 1 && nonces.stream().distinct().count() == count;

    System.out.printf("%n%d publications at once from one signer (%s):%n", count, signer);
    System.out.printf("  all confirmed in %,d ms (first POST -> last confirmed), %d blocks after the head at the start%n",
        lastConfirmed - started, blocksUsed);
    System.out.printf("  the last request reached collections %,d ms after the first POST, its deployment was signed %,d ms later;"
        + " deployments mined in blocks %d..%d (%d blocks)%n", lastRequested - started, lastSigned - lastRequested,
        firstBlock, lastBlock, lastBlock - firstBlock + 1);
    System.out.printf("  nonces %d..%d: %s; signer sent %s transactions; %d signed transactions, %d distinct contracts%n",
        nonces.getFirst(), nonces.getLast(), contiguous ? "contiguous" : "NOT contiguous",
        nonceAfter.subtract(nonceBefore), transactions, contracts);
    System.out.printf("  deployment gas %s, block gas limit %s: target <= ceil(%d x %s / %s) + %d + 2 = %d blocks: %s%n",
        gasUsed, gasLimit, count, gasUsed, gasLimit, CONFIRMATIONS, target, blocksUsed <= target ? "met" : "NOT met");
    System.out.printf("  duplicates: %s%n", nonceAfter.subtract(nonceBefore).intValueExact() == count && contracts == count
        && transactions == count ? "none" : "CHECK");
  }

  // ---- one collection ---------------------------------------------------------------------------

  /** A collection ready to publish, owned by a user of its own (rate limits are per user). */
  private String prepare(String receiver) throws Exception {
    String user = "bench-" + java.util.UUID.randomUUID();
    String token = DevTokenIssuer.mint(issuerKey, user, List.of("user"), Duration.ofHours(1));
    JsonNode created = post("/api/collections/create", token, """
        {"title": "Bench", "instruction_set": {"version": "v2",
          "steps": [{"id": 1, "nodeName": "mock-image", "nodePayload": {"prompt": "bench"}}],
          "generations": {"generations": 1, "hashes": [], "use_custom_hashes": false}, "variables": []}}""", 201);
    String id = created.get("id").asString();
    String path = "/projects/" + created.get("project_id").asString() + "/collections/" + id;
    support.send("PUT", path, token, "{\"blockchain\": \"BASE\", \"editions\": 100, \"price\": 0.01}", 204);
    post(path + "/receivers", token, "{\"receivers\": [{\"address\": \"" + receiver + "\", \"value\": 100}]}", 200);
    tokens.put(id, token);
    return id;
  }

  private final Map<String, String> tokens = new java.util.concurrent.ConcurrentHashMap<>();

  private String tokenFor(String id) {
    return tokens.get(id);
  }

  private void publishAndWait(String id) throws Exception {
    post("/collections/" + id + "/publish", tokenFor(id), "", 202);
    long deadline = System.currentTimeMillis() + 60_000;
    while (support.count("SELECT count(*) FROM collections.publications WHERE status = 'confirmed' AND collection_id = '"
        + id + "'") == 0) {
      if (System.currentTimeMillis() > deadline) {
        throw new IllegalStateException("collection " + id + " not published within 60 s: "
            + support.scalar("SELECT status || ' ' || coalesce(error, '') FROM publishing.publications WHERE collection_id = '" + id + "'"));
      }
      Thread.sleep(10);
    }
  }

  private long confirmedAt(String id) throws Exception {
    return support.count("SELECT (extract(epoch FROM confirmed_at) * 1000)::bigint FROM publishing.publications"
        + " WHERE collection_id = '" + id + "'");
  }

  private long publishedAt(String id) throws Exception {
    return support.count("SELECT (extract(epoch FROM updated_at) * 1000)::bigint FROM collections.publications"
        + " WHERE collection_id = '" + id + "'");
  }

  // ---- chain ------------------------------------------------------------------------------------

  /** When each new head was first seen: the chain's actual block interval in this run. */
  private void watchBlocks() {
    while (watching) {
      try {
        long head = chain.ethBlockNumber().send().getBlockNumber().longValueExact();
        blockArrivals.putIfAbsent(head, System.nanoTime());
        Thread.sleep(10);
      } catch (Exception e) {
        return;
      }
    }
  }

  private double blockIntervalMillis() {
    List<Long> times = new ArrayList<>(blockArrivals.values());
    if (times.size() < 3) {
      return Double.NaN;
    }
    // The first arrival may be mid-interval: measure from the second.
    return (times.getLast() - times.get(1)) / 1e6 / (times.size() - 2);
  }

  // ---- plumbing ---------------------------------------------------------------------------------

  private JsonNode post(String path, String token, String body, int expected) throws Exception {
    return support.send("POST", path, token, body, expected);
  }

  private void close() throws Exception {
    watching = false;
    chain.shutdown();
    support.close();
  }
}
