package io.emprops.e2e;

import io.emprops.localstack.infra.DevTokenIssuer;
import io.emprops.localstack.infra.Ports;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;
import javax.imageio.ImageIO;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.http.HttpService;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code ./run chaos [--minutes N] [--rate R] [--clients C]}: the whole stack as {@code ./run}
 * starts it, a mixed workload through the gateway at a fixed rate from a few client threads, and
 * one fault at a time on a schedule: {@code kill -9} of each application, the development worker
 * and Redis, which the launcher's supervisor restarts (see {@code StackLauncher}). Every client
 * action is recorded (time, request, status, ids); at the end the invariants are checked from
 * the public API, the services' tables and the Kafka topics, one line each, PASS or FAIL with
 * counts, and the figures are printed.
 *
 * <p>{@code --instances N} (default 2) runs every service as N instances behind the gateway, which
 * balances across them: each instance is killed on its own (the others serve meanwhile: only the
 * requests it was serving may fail), then two components at once ({@code a+b}), including both
 * instances of a service. Postgres runs with {@code synchronous_commit} on and is killed too, and
 * so are Kafka and the object store (the launcher runs each in a JVM of its own), and the chain
 * node (anvil, which comes back with the chain it saved at most a second before: a shallow
 * reorganisation, shallower than the confirmations the run asks for). Out of scope: an overload phase
 * (that is {@code ./run bench overload}).
 */
public final class ChaosRun {

  /** The services, each run as one or more instances behind the gateway. */
  static final List<String> SERVICES = List.of("collections-service", "credits-service", "generator-service",
      "storage-service", "publishing-service", "webhooks-service");
  /** One instance per service: what is killed, in order; each is restarted by the launcher before the next fault. */
  static final List<String> COMPONENTS = components(1);

  /**
   * What a run with {@code instances} instances of every service kills, in order: every instance
   * on its own, the gateway, the development worker, Redis, Postgres (which the run starts with
   * {@code synchronous_commit} on, as in production), Kafka and the object store (each in a JVM of
   * its own) and the chain node; then, with several instances, two
   * at once ({@code a+b}): every instance of the generator (an outage of the image path), and a
   * credits-service instance with Redis.
   */
  static List<String> components(int instances) {
    List<String> killed = new ArrayList<>();
    for (String service : SERVICES) {
      for (int i = 1; i <= instances; i++) {
        killed.add(instance(service, i));
      }
    }
    killed.addAll(List.of("gateway", "dev-worker", "redis", "postgres", "kafka", "s3", "chain"));
    if (instances > 1) {
      killed.add("generator-service+generator-service-2");
      killed.add("credits-service-2+redis");
    }
    return List.copyOf(killed);
  }

  /** The launcher's name of instance {@code i} (from 1) of {@code service}: the module, then {@code module-i}. */
  static String instance(String service, int i) {
    return i == 1 ? service : service + "-" + i;
  }
  private static final Set<String> FINAL = Set.of("completed", "failed", "cancelled");
  /** A failure within this long after a component is ready again still counts as its fault's. */
  static final long GRACE_MILLIS = 5_000;
  private static final String RECEIVER = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";

  /** One client action: one HTTP request and its answer ({@code status} -1: no answer, I/O error). */
  record Action(long start, long end, String client, String kind, String user, String request, int status,
      String ids, String error) {}

  /**
   * One fault: the processes killed ({@code component} names them, {@code a+b} for two at once,
   * {@code pids} as {@code 12+34}) and when all of them answered again.
   */
  record Fault(String component, String pid, long killedAt, String newPid, long restartedAt, long readyAt) {
    long downMillis() {
      return readyAt - killedAt;
    }
  }

  private final RunningStack stack;
  /** What this run kills, in order (all of {@link #COMPONENTS} on demand; fewer in ./run test). */
  private final List<String> components;
  private final BenchSupport db;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
  private final JsonMapper json = JsonMapper.builder().build();
  private final String runId = Long.toString(System.currentTimeMillis() % 1_000_000, 36);
  private final List<Action> actions = new CopyOnWriteArrayList<>();
  private final List<Fault> faults = new CopyOnWriteArrayList<>();
  /** Job ids the generator accepted (202), by user. */
  private final Map<String, String> acceptedJobs = new ConcurrentHashMap<>();
  /** Grant Idempotency-Key → whether a 201/200 answered it. */
  private final Map<String, Boolean> grantKeys = new ConcurrentHashMap<>();
  /** Upload asset ids answered 201/200. */
  private final Set<String> uploadedAssets = ConcurrentHashMap.newKeySet();
  /** Collections whose publication was accepted (202). */
  private final Set<String> publishedCollections = ConcurrentHashMap.newKeySet();
  private final Map<String, String> tokens = new ConcurrentHashMap<>();
  private volatile boolean running = true;
  private volatile String faultError;
  /** The resource watch's report (memory at start and end, lag, connections). */
  private List<String> resources = List.of();
  /** The largest live-heap growth of a JVM over the load, in percent; empty when not measured. */
  private OptionalDouble heapGrowth = OptionalDouble.empty();
  private static final long WARM_UP_MILLIS = 60_000;

  private ChaosRun(RunningStack stack, List<String> components) throws Exception {
    this.stack = stack;
    this.components = List.copyOf(components);
    this.db = new BenchSupport(stack);
  }

  /**
   * A run on a stack already started (the short version in {@code ./run test}): the default
   * workload for {@code workload}, killing {@code components} one at a time.
   *
   * @return the verdicts of the invariants that failed (empty when every one held), so that a
   *     failing test names them where only its assertion is printed
   */
  static List<String> on(RunningStack stack, Duration workload, List<String> components) throws Exception {
    ChaosRun run = new ChaosRun(stack, components);
    try {
      run.run(workload, DEFAULT_RATE, DEFAULT_CLIENTS);
      return run.verdicts.stream().filter(verdict -> verdict.startsWith("FAIL")).toList();
    } finally {
      run.db.close();
    }
  }

  private static final double DEFAULT_RATE = 2;
  private static final int DEFAULT_CLIENTS = 3;

  public static void main(String[] args) throws Exception {
    double minutes = 3;
    double rate = DEFAULT_RATE;
    int clients = DEFAULT_CLIENTS;
    int instances = 2;
    List<String> faults = null;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--instances" -> instances = Integer.parseInt(args[++i]);
        case "--minutes" -> minutes = Double.parseDouble(args[++i]);
        case "--rate" -> rate = Double.parseDouble(args[++i]);
        case "--clients" -> clients = Integer.parseInt(args[++i]);
        case "--faults" -> {
          String list = args[++i];
          faults = list.equals("none") ? List.of() : List.of(list.split(","));
        }
        default -> throw new IllegalArgumentException(
            "usage: ./run chaos [--minutes N] [--rate ACTIONS_PER_S] [--clients C] [--instances N]"
                + " [--faults none|COMPONENT[+COMPONENT],…]");
      }
    }
    if (faults == null) {
      faults = components(instances);
    }
    int code;
    // The chain mines every second, like a public one, and a publication counts once its block is
    // 4 deep: deeper than the second of blocks a killed anvil may lose (it saves its chain every second).
    try (RunningStack stack = RunningStack.startForTool("chaos", Map.of(), "--instances", Integer.toString(instances),
        "--synchronous-commit", "--chain-block-time", "1", "--chain-confirmations", "4")) {
      ChaosRun run = new ChaosRun(stack, faults);
      try {
        code = run.run(Duration.ofMillis((long) (minutes * 60_000)), rate, clients);
      } finally {
        run.db.close();
      }
    }
    System.exit(code);
  }

  // ---- the run ----------------------------------------------------------------------------------

  private int run(Duration duration, double rate, int clientCount) throws Exception {
    int userCount = clientCount * 4;
    List<List<String>> usersByClient = new ArrayList<>();
    for (int c = 0; c < clientCount; c++) {
      usersByClient.add(new ArrayList<>());
    }
    Path key = stack.dataDirectory.resolve("dev-issuer").resolve("signing-key.json");
    for (int u = 0; u < userCount; u++) {
      String user = "chaos-" + runId + "-" + u;
      tokens.put(user, DevTokenIssuer.mint(key, user, List.of("user"), Duration.ofHours(3)));
      usersByClient.get(u % clientCount).add(user);
    }
    long start = System.currentTimeMillis();
    long workloadEnd = start + duration.toMillis();
    System.out.printf("Workload: %d clients, %.1f actions/s in all, %d users, %s; faults: %s%n", clientCount, rate,
        userCount, duration, String.join(", ", components));
    List<Thread> threads = new ArrayList<>();
    for (int c = 0; c < clientCount; c++) {
      Client client = new Client("client-" + c, usersByClient.get(c), (long) (clientCount * 1000 / rate));
      threads.add(Thread.ofPlatform().name("chaos-client-" + c).start(client::loop));
    }
    Thread faulter = Thread.ofPlatform().name("chaos-faults").start(() -> injectFaults(start, workloadEnd));
    // Memory is compared from the end of the warm-up (classes loaded, caches and pools filled) to
    // the end of the load; lag and connections are sampled throughout.
    try (ResourceWatch watch = new ResourceWatch(stack, db, Duration.ofSeconds(5))) {
      long warmedUp = start + Math.min(WARM_UP_MILLIS, duration.toMillis() / 4);
      while (System.currentTimeMillis() < warmedUp) {
        Thread.sleep(500);
      }
      // Only a run without faults compares memory: a restarted process starts from nothing, and
      // the full collections would pause the processes a chaos run is timing.
      boolean sustained = components.isEmpty();
      Map<String, ResourceWatch.Memory> memoryAtStart = sustained ? watch.memory() : Map.of();
      // In between, a reading every sixth of the load after the warm-up: the trend tells a leak
      // (growing all along) from a cache or pool filling up (levelling off).
      List<Map<String, ResourceWatch.Memory>> readings = new ArrayList<>(List.of(memoryAtStart));
      List<String> readAt = new ArrayList<>(List.of("+" + (System.currentTimeMillis() - start) / 60_000 + " min"));
      long readEvery = Math.max(60_000, (workloadEnd - System.currentTimeMillis()) / 6);
      long nextReading = System.currentTimeMillis() + readEvery;
      // The workload lasts its duration, and at least until the last fault's component is back (+ 15 s).
      while (System.currentTimeMillis() < workloadEnd || faulter.isAlive()) {
        Thread.sleep(500);
        if (sustained && System.currentTimeMillis() >= nextReading && System.currentTimeMillis() < workloadEnd - 30_000) {
          readings.add(watch.memory());
          readAt.add("+" + (System.currentTimeMillis() - start) / 60_000 + " min");
          nextReading += readEvery;
        }
      }
      Map<String, ResourceWatch.Memory> memoryAtEnd = sustained ? watch.memory() : Map.of();
      readings.add(memoryAtEnd);
      readAt.add("end");
      resources = new ArrayList<>(watch.report(memoryAtStart, memoryAtEnd));
      if (sustained) {
        resources.addAll(ResourceWatch.heapTrend(readings, readAt));
      }
      heapGrowth = ResourceWatch.worstHeapGrowth(memoryAtStart, memoryAtEnd);
    }
    long faultsEnd = faults.stream().mapToLong(Fault::readyAt).max().orElse(start);
    while (System.currentTimeMillis() < faultsEnd + 15_000) {
      Thread.sleep(500);
    }
    running = false;
    for (Thread t : threads) {
      t.join(60_000);
    }
    long loadEnd = System.currentTimeMillis();
    System.out.printf("Workload stopped after %,d s; %d actions; checking …%n", (loadEnd - start) / 1000, actions.size());
    return check(start, loadEnd, faultsEnd);
  }

  /** One fault at a time, spread over the run after a warm-up; waits for each to be ready again. */
  private void injectFaults(long start, long workloadEnd) {
    if (components.isEmpty()) {
      return; // a sustained run: load only
    }
    long warmUp = 20_000;
    long spacing = Math.max(0, (workloadEnd - start - warmUp - 20_000) / components.size());
    try {
      for (int i = 0; i < components.size(); i++) {
        long due = start + warmUp + i * spacing;
        long lastReady = faults.isEmpty() ? 0 : faults.getLast().readyAt();
        sleepUntil(Math.max(due, lastReady + 5_000));
        faults.add(kill(components.get(i)));
        Fault f = faults.getLast();
        System.out.printf("  fault %d/%d: kill -9 %s (pid %s) at +%.1f s; restarted as pid %s, ready after %.1f s%n",
            i + 1, components.size(), f.component(), f.pid(), (f.killedAt() - start) / 1000.0, f.newPid(),
            f.downMillis() / 1000.0);
      }
    } catch (Exception e) {
      faultError = e.toString();
      System.out.println("  FAULT INJECTION STOPPED: " + e);
    }
  }

  /** Kills every process {@code fault} names ({@code a+b}: both at once), waits until all are back. */
  private Fault kill(String fault) throws Exception {
    List<String> killed = List.of(fault.split("\\+"));
    List<Long> pids = new ArrayList<>();
    for (String component : killed) {
      long pid = Long.parseLong(pids().getProperty(component, "-1"));
      ProcessHandle.of(pid)
          .orElseThrow(() -> new IllegalStateException(component + ": no process " + pid + " (pids.properties)"));
      pids.add(pid);
    }
    long killedAt = System.currentTimeMillis();
    pids.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly)); // SIGKILL
    long deadline = killedAt + 60_000;
    List<Long> newPids = new ArrayList<>();
    for (int i = 0; i < killed.size(); i++) {
      long newPid = pids.get(i);
      while (newPid == pids.get(i) || newPid <= 0) {
        if (System.currentTimeMillis() > deadline) {
          throw new IllegalStateException(killed.get(i) + " not restarted within 60 s");
        }
        Thread.sleep(100);
        newPid = Long.parseLong(pids().getProperty(killed.get(i), "-1"));
      }
      newPids.add(newPid);
    }
    long restartedAt = System.currentTimeMillis();
    for (String component : killed) {
      awaitReady(component, restartedAt + 420_000);
    }
    return new Fault(fault, join(pids), killedAt, join(newPids), restartedAt, System.currentTimeMillis());
  }

  /** Whether {@code component} is one instance of a service of which another instance runs. */
  private static boolean alsoRunsElsewhere(String component, Properties running) {
    if (component.contains("+")) {
      return false;
    }
    return SERVICES.stream().anyMatch(service -> (component.equals(service) || component.startsWith(service + "-"))
        && running.stringPropertyNames().stream().anyMatch(name -> !name.equals(component)
            && (name.equals(service) || name.startsWith(service + "-"))));
  }

  private static String join(List<Long> pids) {
    return pids.stream().map(String::valueOf).collect(Collectors.joining("+"));
  }

  /** Whether the chain has contract code at {@code address} ({@code eth_getCode} at the latest block). */
  private static boolean hasCode(Web3j chain, String address) throws Exception {
    String code = chain.ethGetCode(address, DefaultBlockParameterName.LATEST).send().getCode();
    return code != null && code.length() > 2; // "0x": no code
  }

  /** An application answers its readiness probe; Redis accepts connections; the dev worker runs 3 s. */
  private void awaitReady(String component, long deadline) throws Exception {
    while (System.currentTimeMillis() < deadline) {
      if (component.equals("dev-worker")) {
        Thread.sleep(3_000);
        return;
      }
      if (component.equals("redis") || component.equals("kafka") || component.equals("s3")
          || component.equals("chain")) {
        if (!Ports.isFree(stack.port(component))) {
          return;
        }
      } else if (component.equals("postgres")) {
        try (var c = java.sql.DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + stack.port("postgres")
            + "/emprops", "postgres", "postgres")) {
          return; // crash recovery done: it accepts connections
        } catch (java.sql.SQLException e) {
          // not accepting connections yet
        }
      } else {
        try {
          HttpResponse<Void> probe = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
              + stack.port(component) + "/actuator/health/readiness")).timeout(Duration.ofSeconds(2)).build(),
              HttpResponse.BodyHandlers.discarding());
          if (probe.statusCode() == 200) {
            return;
          }
        } catch (IOException e) {
          // not listening yet
        }
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException(component + " not ready again in time");
  }

  private Properties pids() throws IOException {
    Properties p = new Properties();
    Path file = stack.dataDirectory.resolve("pids.properties");
    if (Files.exists(file)) {
      try (var in = Files.newInputStream(file)) {
        p.load(in);
      }
    }
    return p;
  }

  // ---- the clients ------------------------------------------------------------------------------

  private record OwnCollection(String id, String projectId) {}

  /** One client thread: its own users, an action every {@code periodMillis}, at a fixed rate. */
  private final class Client {
    final String name;
    final List<String> users;
    final long periodMillis;
    final Map<String, List<OwnCollection>> collections = new HashMap<>();
    final Set<String> publishedUsers = new HashSet<>();
    final List<String> jobs = new ArrayList<>();
    int next;

    Client(String name, List<String> users, long periodMillis) {
      this.name = name;
      this.users = users;
      this.periodMillis = periodMillis;
    }

    void loop() {
      long due = System.currentTimeMillis() + ThreadLocalRandom.current().nextLong(periodMillis);
      while (running) {
        sleepUntil(due);
        due += periodMillis;
        if (System.currentTimeMillis() > due + 10 * periodMillis) {
          due = System.currentTimeMillis(); // far behind (a long timeout): no burst to catch up
        }
        String user = users.get(next++ % users.size());
        try {
          act(user);
        } catch (Exception e) {
          actions.add(new Action(System.currentTimeMillis(), System.currentTimeMillis(), name, "client-error", user,
              "", -2, "", e.toString()));
        }
      }
    }

    void act(String user) throws Exception {
      List<OwnCollection> own = collections.computeIfAbsent(user, u -> new ArrayList<>());
      int dice = ThreadLocalRandom.current().nextInt(100);
      if (own.isEmpty() || dice < 12) {
        createCollection(user, own);
      } else if (dice < 25) {
        edit(user, pick(own));
      } else if (dice < 55) {
        generate(user, pick(own));
      } else if (dice < 65) {
        grant(user);
      } else if (dice < 77) {
        upload(user);
      } else if (dice < 95 || publishedUsers.contains(user)) {
        follow(user);
      } else {
        publishedUsers.add(user);
        publish(user, own.getFirst());
      }
    }

    void createCollection(String user, List<OwnCollection> own) throws Exception {
      Answer a = call("create-collection", user, "POST", "/api/collections/create", tokens.get(user), """
          {"title": "Chaos %s", "instruction_set": {"version": "v2",
            "steps": [{"id": 1, "nodeName": "mock-image", "nodePayload": {"prompt": "chaos {{subject}}"}}],
            "generations": {"generations": 1, "hashes": [], "use_custom_hashes": false},
            "variables": [{"name": "subject", "type": "text", "value": "fox"}]}}""".formatted(user), null);
      if (a.status == 201) {
        JsonNode data = a.data();
        own.add(new OwnCollection(data.get("id").asString(), data.get("project_id").asString()));
      }
    }

    void edit(String user, OwnCollection c) throws Exception {
      call("edit-collection", user, "PUT", "/projects/" + c.projectId + "/collections/" + c.id, tokens.get(user),
          "{\"title\": \"Chaos edit " + UUID.randomUUID() + "\"}", null);
    }

    void generate(String user, OwnCollection c) throws Exception {
      String idem = "chaos-" + UUID.randomUUID();
      for (int attempt = 0; attempt < 4; attempt++) {
        Answer a = call("generate", user, "POST", "/collections/" + c.id + "/generations", tokens.get(user), "{}", idem);
        if (a.status == 202) {
          String job = a.data().get("job_id").asString();
          acceptedJobs.put(job, user);
          jobs.add(job);
          return;
        }
        if (a.status >= 0 && a.status < 500) {
          return; // 404 (the generator's read model has not got it yet), 402, 429: an answer
        }
        Thread.sleep(2_000); // 5xx or no answer: the same request again, same Idempotency-Key
      }
    }

    void grant(String user) throws Exception {
      String idem = "chaos-grant-" + UUID.randomUUID();
      grantKeys.put(idem, false);
      for (int attempt = 0; attempt < 4; attempt++) {
        Answer a = call("grant", user, "POST", "/credits/grants", stack.devToken,
            "{\"user_id\": \"" + user + "\", \"amount\": 5, \"reason\": \"chaos\"}", idem);
        if (a.status == 201 || a.status == 200) {
          grantKeys.put(idem, true);
          return;
        }
        if (a.status >= 0 && a.status < 500) {
          return;
        }
        Thread.sleep(2_000);
      }
    }

    void upload(String user) throws Exception {
      String boundary = "chaos" + UUID.randomUUID();
      ByteArrayOutputStream body = new ByteArrayOutputStream();
      body.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"chaos.png\"\r\n"
          + "Content-Type: image/png\r\n\r\n").getBytes(StandardCharsets.UTF_8));
      body.write(uniquePng());
      body.write(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
      Answer a = send("upload", user, HttpRequest.newBuilder(URI.create(stack.gatewayUrl + "/assets"))
          .header("Authorization", "Bearer " + tokens.get(user))
          .header("Content-Type", "multipart/form-data; boundary=" + boundary)
          .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())), "POST /assets");
      if (a.status == 201 || a.status == 200) {
        uploadedAssets.add(a.data().get("id").asString());
      }
    }

    void follow(String user) throws Exception {
      if (jobs.isEmpty()) {
        call("balance", user, "GET", "/credits/balance", tokens.get(user), null, null);
        return;
      }
      String job = jobs.get(ThreadLocalRandom.current().nextInt(jobs.size()));
      call("follow-job", acceptedJobs.get(job), "GET", "/jobs/" + job, tokens.get(acceptedJobs.get(job)), null, null);
    }

    void publish(String user, OwnCollection c) throws Exception {
      String path = "/projects/" + c.projectId + "/collections/" + c.id;
      String token = tokens.get(user);
      if (call("publish-prepare", user, "PUT", path, token,
          "{\"blockchain\": \"BASE\", \"editions\": 10, \"price\": 0.01}", null).status != 204) {
        return;
      }
      if (call("publish-prepare", user, "POST", path + "/receivers", token,
          "{\"receivers\": [{\"address\": \"" + RECEIVER + "\", \"value\": 100}]}", null).status != 200) {
        return;
      }
      if (call("publish", user, "POST", "/collections/" + c.id + "/publish", token, "", null).status == 202) {
        publishedCollections.add(c.id);
      }
    }

    Answer call(String kind, String user, String method, String path, String token, String body, String idem)
        throws Exception {
      HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(stack.gatewayUrl + path))
          .header("Authorization", "Bearer " + token)
          .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
      if (body != null) {
        request.header("Content-Type", "application/json");
      }
      if (idem != null) {
        request.header("Idempotency-Key", idem);
      }
      return send(kind, user, request, method + " " + path);
    }

    Answer send(String kind, String user, HttpRequest.Builder request, String description) throws Exception {
      long started = System.currentTimeMillis();
      try {
        HttpResponse<String> response = http.send(request.timeout(Duration.ofSeconds(15)).build(),
            HttpResponse.BodyHandlers.ofString());
        Answer answer = new Answer(response.statusCode(), response.body());
        String ids = "";
        if (response.statusCode() < 300 && !response.body().isEmpty()) {
          JsonNode data = answer.data();
          if (data != null) {
            ids = data.has("job_id") ? data.get("job_id").asString() : data.has("id") ? data.get("id").asString() : "";
          }
        }
        actions.add(new Action(started, System.currentTimeMillis(), name, kind, user, description,
            response.statusCode(), ids, response.statusCode() >= 500 ? abbreviate(response.body()) : ""));
        return answer;
      } catch (IOException e) {
        actions.add(new Action(started, System.currentTimeMillis(), name, kind, user, description, -1, "", e.toString()));
        return new Answer(-1, "");
      }
    }
  }

  private record Answer(int status, String body) {
    JsonNode data() {
      return body.isEmpty() ? null : JsonMapper.builder().build().readTree(body).get("data");
    }
  }

  private static <T> T pick(List<T> list) {
    return list.get(ThreadLocalRandom.current().nextInt(list.size()));
  }

  private static byte[] uniquePng() throws IOException {
    BufferedImage image = new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB);
    ThreadLocalRandom random = ThreadLocalRandom.current();
    for (int x = 0; x < 8; x++) {
      for (int y = 0; y < 8; y++) {
        image.setRGB(x, y, random.nextInt(0x1000000));
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(image, "png", out);
    return out.toByteArray();
  }

  private static String abbreviate(String s) {
    String one = s.replaceAll("\\s+", " ");
    return one.length() > 160 ? one.substring(0, 160) + "…" : one;
  }

  private static void sleepUntil(long millis) {
    long wait = millis - System.currentTimeMillis();
    if (wait > 0) {
      try {
        Thread.sleep(wait);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  // ---- the checks -------------------------------------------------------------------------------

  private final List<String> verdicts = new ArrayList<>();
  private int failed;

  private void verdict(boolean pass, String what, String counts) {
    String line = String.format("%-4s  %-58s %s", pass ? "PASS" : "FAIL", what, counts);
    verdicts.add(line);
    if (!pass) {
      failed++;
    }
  }

  private int check(long start, long loadEnd, long faultsEnd) throws Exception {
    String users = "user_id LIKE 'chaos-" + runId + "-%'";
    // 1. Every job reaches a final state within a bound after the last fault (3 min).
    long bound = Math.max(loadEnd, faultsEnd) + 180_000;
    while (System.currentTimeMillis() < bound
        && db.count("SELECT count(*) FROM generator.jobs WHERE " + users + " AND status NOT IN ('completed','failed','cancelled')") > 0) {
      Thread.sleep(1_000);
    }
    long settledAt = System.currentTimeMillis();
    // 2. Quiet: reservations settled and consumers caught up (up to 90 s more).
    long quiet = System.currentTimeMillis() + 90_000;
    while (System.currentTimeMillis() < quiet
        && db.count("SELECT count(*) FROM credits.reservations WHERE status = 'active'") > 0) {
      Thread.sleep(1_000);
    }
    Thread.sleep(5_000);

    Map<String, Long> jobStatus = new TreeMap<>();
    for (List<String> row : db.rows("SELECT status, count(*) FROM generator.jobs WHERE " + users + " GROUP BY status")) {
      jobStatus.put(row.get(0), Long.parseLong(row.get(1)));
    }
    long jobs = jobStatus.values().stream().mapToLong(Long::longValue).sum();
    long notFinal = jobStatus.entrySet().stream().filter(e -> !FINAL.contains(e.getKey())).mapToLong(Map.Entry::getValue).sum();
    String lastFinal = db.scalar("SELECT max(completed_at) FROM generator.jobs WHERE " + users);
    // The accepted ones through the public API as well.
    int apiNotFinal = 0;
    List<String> apiStuck = new ArrayList<>();
    for (Map.Entry<String, String> job : acceptedJobs.entrySet()) {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(stack.gatewayUrl + "/jobs/" + job.getKey()))
          .header("Authorization", "Bearer " + tokens.get(job.getValue())).timeout(Duration.ofSeconds(10)).build(),
          HttpResponse.BodyHandlers.ofString());
      String status = r.statusCode() == 200 ? json.readTree(r.body()).get("data").get("status").asString() : "HTTP " + r.statusCode();
      if (!FINAL.contains(status)) {
        apiNotFinal++;
        if (apiStuck.size() < 5) {
          apiStuck.add(job.getKey() + "=" + status);
        }
      }
    }
    verdict(notFinal == 0 && apiNotFinal == 0, "no job stuck (final within 3 min of the last fault)",
        "%d jobs %s; %d accepted by the API, %d not final there%s; last final at %s, waited %,d ms after the last fault".formatted(
            jobs, jobStatus, acceptedJobs.size(), apiNotFinal, apiStuck.isEmpty() ? "" : " " + apiStuck, lastFinal,
            settledAt - faultsEnd));

    // 3. Credits: one charge per completed job, none for the others; nothing reserved for a finished job.
    long completedWithoutOneCharge = db.count("""
        SELECT count(*) FROM generator.jobs j WHERE j.%s AND j.status = 'completed'
           AND (SELECT count(*) FROM credits.ledger_entries l WHERE l.reference = 'job:' || j.id AND l.kind = 'charge') <> 1"""
        .formatted(users));
    long otherCharged = db.count("""
        SELECT count(*) FROM generator.jobs j WHERE j.%s AND j.status IN ('failed', 'cancelled')
           AND (SELECT count(*) FROM credits.ledger_entries l WHERE l.reference = 'job:' || j.id AND l.kind = 'charge') > 0"""
        .formatted(users));
    long chargeMismatch = db.count("""
        SELECT count(*) FROM generator.jobs j JOIN credits.ledger_entries l ON l.reference = 'job:' || j.id AND l.kind = 'charge'
         WHERE j.%s AND j.status = 'completed' AND -l.amount <> j.cost""".formatted(users));
    long charges = db.count("SELECT count(*) FROM credits.ledger_entries WHERE kind = 'charge' AND " + users);
    long failedJobsCharged = db.count("SELECT count(*) FROM generator.jobs WHERE status IN ('failed','cancelled') AND " + users);
    verdict(completedWithoutOneCharge == 0 && otherCharged == 0 && chargeMismatch == 0,
        "exactly one charge per completed job, of its cost",
        "%d charges; completed jobs without exactly one: %d; charge != cost: %d; failed/cancelled (%d) charged: %d".formatted(
            charges, completedWithoutOneCharge, chargeMismatch, failedJobsCharged, otherCharged));
    long activeForFinal = db.count("""
        SELECT count(*) FROM credits.reservations r JOIN generator.jobs j ON j.id = r.job_id
         WHERE r.status = 'active' AND j.status IN ('completed','failed','cancelled')""");
    long jobsWithoutReservation = db.count("""
        SELECT count(*) FROM generator.jobs j WHERE j.%s AND j.status IN ('completed','failed','cancelled')
           AND NOT EXISTS (SELECT 1 FROM credits.reservations r WHERE r.job_id = j.id)""".formatted(users));
    long reservedAccounts = db.count("SELECT count(*) FROM credits.accounts WHERE reserved <> 0");
    verdict(activeForFinal == 0 && reservedAccounts == 0, "nothing stays reserved for a finished job",
        "active reservations of finished jobs: %d; accounts with reserved != 0: %d; finished jobs without a reservation row: %d"
            .formatted(activeForFinal, reservedAccounts, jobsWithoutReservation));
    long accounts = db.count("SELECT count(*) FROM credits.accounts");
    long ledgerMismatch = db.count("""
        SELECT count(*) FROM credits.accounts a
         WHERE a.balance - a.reserved <> coalesce((SELECT sum(amount) FROM credits.ledger_entries l WHERE l.user_id = a.user_id), 0)
            OR a.balance <> coalesce((SELECT sum(amount) FROM credits.ledger_entries l WHERE l.user_id = a.user_id
                                       AND kind IN ('grant', 'refund', 'charge')), 0)""");
    verdict(ledgerMismatch == 0, "every balance equals its ledger",
        "%d accounts, %d where balance - reserved != ledger sum or balance != grants + refunds + charges".formatted(accounts, ledgerMismatch));
    long grantsOk = grantKeys.values().stream().filter(b -> b).count();
    long grantsWrong = 0;
    long grantsAmbiguous = 0;
    for (Map.Entry<String, Boolean> g : grantKeys.entrySet()) {
      long n = db.count("SELECT count(*) FROM credits.ledger_entries WHERE kind = 'grant' AND reference = 'grant:idem:" + g.getKey() + "'");
      if (g.getValue() ? n != 1 : n > 1) {
        grantsWrong++;
      } else if (!g.getValue() && n == 1) {
        grantsAmbiguous++;
      }
    }
    verdict(grantsWrong == 0, "one ledger grant per granted Idempotency-Key",
        "%d grants asked, %d answered 201/200, %d with != 1 entry; %d unanswered yet applied once".formatted(
            grantKeys.size(), grantsOk, grantsWrong, grantsAmbiguous));

    // 4. Storage: one asset per output, every output of a completed job stored; uploads once.
    long outputs = db.count("SELECT count(*) FROM generator.job_outputs o JOIN generator.jobs j ON j.id = o.job_id WHERE j." + users);
    long outputsUnstored = db.count("""
        SELECT count(*) FROM generator.job_outputs o JOIN generator.jobs j ON j.id = o.job_id
         WHERE j.%s AND j.status = 'completed'
           AND (o.asset_id IS NULL OR NOT EXISTS (SELECT 1 FROM storage.assets a WHERE a.id = o.asset_id AND a.job_id = o.job_id))"""
        .formatted(users));
    long duplicateAssets = db.count("""
        SELECT coalesce(sum(n - 1), 0) FROM (SELECT count(*) n FROM storage.assets WHERE job_id IS NOT NULL
         GROUP BY job_id, generation, step_id, output_index) g""");
    long strayAssets = db.count("""
        SELECT count(*) FROM storage.assets a WHERE a.%s AND a.job_id IS NOT NULL
           AND NOT EXISTS (SELECT 1 FROM generator.job_outputs o WHERE o.asset_id = a.id)""".formatted(users));
    long generatedAssets = db.count("SELECT count(*) FROM storage.assets WHERE job_id IS NOT NULL AND " + users);
    verdict(outputsUnstored == 0 && duplicateAssets == 0 && strayAssets == 0, "one asset per stored output",
        "%d outputs, %d generation assets; completed outputs without their asset: %d; duplicates: %d; assets no output names: %d"
            .formatted(outputs, generatedAssets, outputsUnstored, duplicateAssets, strayAssets));
    long uploadsMissing = 0;
    for (String asset : uploadedAssets) {
      if (db.count("SELECT count(*) FROM storage.assets WHERE deleted_at IS NULL AND id = '" + asset + "'") != 1) {
        uploadsMissing++;
      }
    }
    long uploadRows = db.count("SELECT count(*) FROM storage.assets WHERE job_id IS NULL AND " + users);
    long uploadAttempts = actions.stream().filter(a -> a.kind().equals("upload")).count();
    verdict(uploadsMissing == 0 && uploadRows <= uploadAttempts, "every acknowledged upload stored once",
        "%d uploads sent, %d acknowledged, %d of those missing; %d upload rows".formatted(uploadAttempts,
            uploadedAssets.size(), uploadsMissing, uploadRows));

    // 5. Publications accepted reach a final state.
    long publicationsNotFinal = 0;
    Map<String, Long> publicationStatus = new TreeMap<>();
    for (String collection : publishedCollections) {
      String status = db.scalar("SELECT status FROM publishing.publications WHERE collection_id = '" + collection + "'");
      publicationStatus.merge(String.valueOf(status), 1L, Long::sum);
      if (!"confirmed".equals(status) && !"failed".equals(status)) {
        publicationsNotFinal++;
      }
    }
    verdict(publicationsNotFinal == 0, "every accepted publication confirmed or failed",
        "%d accepted: %s".formatted(publishedCollections.size(), publicationStatus));
    // 5b. One contract per confirmed publication, and the chain has it: its code is at the address
    //     the service recorded (a kill of the chain node loses at most a second of blocks, fewer than
    //     the confirmations asked for), and no two collections share a contract.
    List<String> contracts = new ArrayList<>();
    long withoutCode = 0;
    Web3j chain = Web3j.build(new HttpService("http://127.0.0.1:" + stack.port("chain")));
    try {
      for (String collection : publishedCollections) {
        String address = db.scalar("SELECT contract_address FROM publishing.publications WHERE status = 'confirmed'"
            + " AND collection_id = '" + collection + "'");
        if (address != null) {
          contracts.add(address.toLowerCase(java.util.Locale.ROOT));
          if (!hasCode(chain, address)) {
            withoutCode++;
          }
        }
      }
    } finally {
      chain.shutdown();
    }
    long sharedContracts = contracts.size() - contracts.stream().distinct().count();
    verdict(withoutCode == 0 && sharedContracts == 0, "one contract per confirmed publication, on the chain",
        "%d confirmed; contracts without code on the chain: %d; shared by two collections: %d".formatted(
            contracts.size(), withoutCode, sharedContracts));

    // 6. Events: outbox → Kafka (the outbox keeps no rows: the services' rows against their events),
    //    Kafka → every consumer's inbox, nothing dead-lettered.
    checkEvents(users);

    // 7. Client-visible failures only while something was down.
    List<Action> failures = actions.stream().filter(a -> a.status() >= 500 || a.status() == -1).toList();
    List<Action> unexplained = failures.stream().filter(a -> faults.stream().noneMatch(f ->
        a.end() >= f.killedAt() && a.start() <= f.readyAt() + GRACE_MILLIS)).toList();
    verdict(unexplained.isEmpty(), "every client-visible 5xx/no answer during a fault window",
        "%d failures, %d outside [kill, ready + %d s]%s".formatted(failures.size(), unexplained.size(),
            GRACE_MILLIS / 1000, unexplained.isEmpty() ? "" : ": " + unexplained.stream().limit(5)
                .map(a -> "+" + (a.start() - start) / 1000 + "s " + a.request() + " " + a.status() + " " + a.error())
                .collect(Collectors.joining("; "))));
    // 7b. With several instances of a service, a killed instance is scaling's normal case: the gateway
    //     sends what it cannot connect to elsewhere, so only the requests that instance was serving
    //     at the kill may fail.
    Properties running = pids();
    List<Fault> instanceFaults = faults.stream().filter(f -> alsoRunsElsewhere(f.component(), running)).toList();
    if (!instanceFaults.isEmpty()) {
      // In flight at some instance's kill, it may have been on that instance (whatever window it
      // also falls in: a window lasts until its instance is ready again, past the next kill).
      java.util.function.Predicate<Action> inFlightAtAKill = a -> instanceFaults.stream().anyMatch(f ->
          a.start() <= f.killedAt() && a.end() >= f.killedAt());
      List<Action> notInFlight = failures.stream().filter(a -> !inFlightAtAKill.test(a)
          && instanceFaults.stream().anyMatch(f -> a.start() > f.killedAt() && a.start() <= f.readyAt() + GRACE_MILLIS))
          .toList();
      long inFlight = failures.stream().filter(inFlightAtAKill).count();
      verdict(notInFlight.isEmpty(), "a killed instance with another one up fails only what it was serving",
          "%d instance kills; %d failures of requests in flight at a kill, %d of requests sent after it%s".formatted(
              instanceFaults.size(), inFlight, notInFlight.size(), notInFlight.isEmpty() ? "" : ": "
                  + notInFlight.stream().limit(5).map(a -> "+" + (a.start() - start) / 1000 + "s " + a.request() + " "
                      + a.status() + " " + a.error()).collect(Collectors.joining("; "))));
    }
    // 8. Every request carries a valid token: a 401, fault or not, is a gateway judging a good token
    //    bad (found by this run: a restarted gateway before it had fetched its issuer's keys).
    List<Action> refused = actions.stream().filter(a -> a.status() == 401).toList();
    verdict(refused.isEmpty(), "no valid token refused (401), whatever was down",
        "%d refused%s".formatted(refused.size(), refused.isEmpty() ? "" : ": " + refused.stream().limit(5)
            .map(a -> "+" + (a.start() - start) / 1000 + "s " + a.request()).collect(Collectors.joining("; "))));
    verdict(faultError == null && faults.size() == components.size(), "every fault injected and recovered",
        "%d of %d%s".formatted(faults.size(), components.size(), faultError == null ? "" : "; " + faultError));
    if (components.isEmpty()) {
      // Without faults no process restarts, so every one's live heap compares start to end.
      verdict(heapGrowth.isPresent() && heapGrowth.getAsDouble() < 5, "live heap growth < 5 % in every JVM (no leak)",
          heapGrowth.isPresent() ? "worst %+.1f %% from the warm-up's end to the load's end".formatted(heapGrowth.getAsDouble())
              : "not measured: a JVM's heap could not be read (jcmd GC.heap_info) or it restarted");
    }

    printResults(start, loadEnd, failures);
    System.out.println("\nResources (memory, in a run without faults, after a full collection at the warm-up's end and"
        + " the load's end):");
    resources.forEach(System.out::println);
    System.out.println("\nInvariants:");
    verdicts.forEach(v -> System.out.println("  " + v));
    System.out.println(failed == 0 ? "\nCHAOS: all invariants hold" : "\nCHAOS: " + failed + " invariant(s) FAILED");
    writeActions();
    return failed == 0 ? 0 : 1;
  }

  /** One event read from Kafka. */
  private record Event(String topic, String id, String type, JsonNode payload) {}

  private void checkEvents(String users) throws Exception {
    List<Event> events = new ArrayList<>();
    Map<String, Long> deadLetters = new TreeMap<>();
    Properties config = new Properties();
    config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + stack.port("kafka"));
    config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config)) {
      List<TopicPartition> partitions = consumer.listTopics(Duration.ofSeconds(20)).entrySet().stream()
          .filter(e -> e.getKey().startsWith("emprops.") && !e.getKey().startsWith("emprops.relay-offsets"))
          .flatMap(e -> e.getValue().stream().map(p -> new TopicPartition(p.topic(), p.partition())))
          .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
      long deadline = System.currentTimeMillis() + 60_000;
      while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p)) && System.currentTimeMillis() < deadline) {
        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
          if (r.topic().endsWith(".dlt")) {
            deadLetters.merge(r.topic() + ":" + header(r, "eventType"), 1L, Long::sum);
            continue;
          }
          events.add(new Event(r.topic(), header(r, "eventId"), header(r, "eventType"),
              r.value() == null ? null : json.readTree(r.value())));
        }
      }
    }
    Map<String, Long> copies = events.stream().collect(Collectors.groupingBy(Event::id, Collectors.counting()));
    long duplicates = copies.values().stream().mapToLong(n -> n - 1).sum();
    Map<String, Set<String>> idsByType = new HashMap<>();
    for (Event e : events) {
      idsByType.computeIfAbsent(e.type(), t -> new HashSet<>()).add(e.id());
    }

    // Outbox → Kafka: each service's rows against the events they must have produced.
    Map<String, Set<String>> keysByType = new HashMap<>();
    for (Event e : events) {
      if (e.payload() == null) {
        continue;
      }
      String key = switch (e.type().replaceAll("\\.v\\d+$", "")) {
        case "CollectionCreated" -> text(e.payload().get("collection"), "collection_id");
        case "GenerationRequested", "GenerationCompleted", "GenerationFailed", "GenerationCancelled",
             "CreditsReserved", "CreditsReservationRejected", "CreditsCharged", "CreditsReleased" -> text(e.payload(), "job_id");
        case "AssetStored" -> text(e.payload(), "asset_id");
        case "CreditsGranted" -> text(e.payload(), "grant_id");
        default -> null;
      };
      if (key != null) {
        keysByType.computeIfAbsent(e.type().replaceAll("\\.v\\d+$", ""), t -> new HashSet<>()).add(key);
      }
    }
    Map<String, String> expectations = new LinkedHashMap<>();
    expectations.put("CollectionCreated", "SELECT id::text FROM collections.collections WHERE " + users);
    expectations.put("GenerationRequested", "SELECT id::text FROM generator.jobs WHERE " + users);
    expectations.put("GenerationCompleted", "SELECT id::text FROM generator.jobs WHERE status = 'completed' AND " + users);
    expectations.put("GenerationFailed", "SELECT id::text FROM generator.jobs WHERE status = 'failed' AND " + users);
    expectations.put("GenerationCancelled", "SELECT id::text FROM generator.jobs WHERE status = 'cancelled' AND " + users);
    expectations.put("CreditsReserved", "SELECT job_id::text FROM credits.reservations WHERE status IN ('active', 'settled') AND " + users);
    expectations.put("CreditsReservationRejected", "SELECT job_id::text FROM credits.reservations WHERE status = 'rejected' AND " + users);
    expectations.put("CreditsCharged", "SELECT substring(reference from 5) FROM credits.ledger_entries WHERE kind = 'charge' AND " + users);
    expectations.put("CreditsReleased", "SELECT substring(reference from 5) FROM credits.ledger_entries WHERE kind = 'release' AND " + users);
    expectations.put("CreditsGranted", "SELECT id::text FROM credits.ledger_entries WHERE kind = 'grant' AND " + users);
    expectations.put("AssetStored", "SELECT id::text FROM storage.assets WHERE job_id IS NOT NULL AND " + users);
    long rows = 0;
    List<String> missing = new ArrayList<>();
    for (Map.Entry<String, String> e : expectations.entrySet()) {
      Set<String> produced = keysByType.getOrDefault(e.getKey(), Set.of());
      List<String> expected = db.rows(e.getValue()).stream().map(List::getFirst).toList();
      rows += expected.size();
      long lost = expected.stream().filter(k -> !produced.contains(k)).count();
      if (lost > 0) {
        missing.add(e.getKey() + " " + lost + "/" + expected.size());
      }
    }
    verdict(missing.isEmpty(), "every committed change's event reached Kafka",
        "%d rows of 11 kinds checked against %d events on Kafka; missing: %s; relayed more than once: %d".formatted(
            rows, events.size(), missing.isEmpty() ? "none" : missing, duplicates));

    // Kafka → inbox, per consumer, for the event types it handles.
    long checked = 0;
    List<String> unconsumed = new ArrayList<>();
    for (String schema : List.of("collections", "credits", "generator", "publishing", "storage", "webhooks")) {
      Map<String, Set<String>> inboxByConsumer = new HashMap<>();
      Map<String, Set<String>> typesByConsumer = new HashMap<>();
      for (List<String> row : db.rows("SELECT consumer_name, event_id::text, event_type FROM " + schema + ".inbox")) {
        inboxByConsumer.computeIfAbsent(row.get(0), c -> new HashSet<>()).add(row.get(1));
        typesByConsumer.computeIfAbsent(row.get(0), c -> new HashSet<>()).add(row.get(2));
      }
      for (Map.Entry<String, Set<String>> consumer : typesByConsumer.entrySet()) {
        Set<String> handled = inboxByConsumer.get(consumer.getKey());
        long lost = 0;
        for (String type : consumer.getValue()) {
          for (String id : idsByType.getOrDefault(type, Set.of())) {
            checked++;
            if (!handled.contains(id)) {
              lost++;
            }
          }
        }
        if (lost > 0) {
          unconsumed.add(schema + "/" + consumer.getKey() + " " + lost);
        }
      }
    }
    verdict(unconsumed.isEmpty() && deadLetters.isEmpty(), "every event on Kafka handled by each consumer of its type",
        "%d (consumer, event) pairs; not in the inbox: %s; dead-lettered: %s".formatted(checked,
            unconsumed.isEmpty() ? "none" : unconsumed, deadLetters.isEmpty() ? "none" : deadLetters));
  }

  private static String header(ConsumerRecord<String, String> r, String name) {
    Header h = r.headers().lastHeader(name);
    return h == null ? "" : new String(h.value(), StandardCharsets.UTF_8);
  }

  private static String text(JsonNode node, String field) {
    return node == null || node.get(field) == null || node.get(field).isNull() ? null : node.get(field).asString();
  }

  // ---- the figures ------------------------------------------------------------------------------

  private void printResults(long start, long loadEnd, Collection<Action> failures) {
    System.out.printf("%nChaos run: %,d s of load, %d actions (%.2f/s)%n", (loadEnd - start) / 1000, actions.size(),
        actions.size() * 1000.0 / (loadEnd - start));
    System.out.println("\n  action               count  2xx   4xx   5xx   no answer   p50 ms   p99 ms");
    Map<String, List<Action>> byKind = actions.stream().collect(Collectors.groupingBy(Action::kind, TreeMap::new, Collectors.toList()));
    for (Map.Entry<String, List<Action>> e : byKind.entrySet()) {
      List<Action> list = e.getValue();
      List<Long> times = list.stream().map(a -> a.end() - a.start()).toList();
      System.out.printf("  %-20s %5d %5d %5d %5d %11d %8d %8d%n", e.getKey(), list.size(),
          list.stream().filter(a -> a.status() >= 200 && a.status() < 300).count(),
          list.stream().filter(a -> a.status() >= 400 && a.status() < 500).count(),
          list.stream().filter(a -> a.status() >= 500).count(),
          list.stream().filter(a -> a.status() < 0).count(),
          (long) BenchSupport.percentile(times, 50), (long) BenchSupport.percentile(times, 99));
    }
    System.out.printf("  error rate (5xx or no answer): %d of %d (%.2f %%)%n", failures.size(), actions.size(),
        actions.isEmpty() ? 0.0 : 100.0 * failures.size() / actions.size());
    System.out.println("\n  fault (kill -9)        at        down until ready   client failures in its window");
    for (Fault f : faults) {
      long inWindow = failures.stream().filter(a -> a.end() >= f.killedAt() && a.start() <= f.readyAt() + GRACE_MILLIS).count();
      System.out.printf("  %-20s %6.1f s   %10.1f s          %d%n", f.component(), (f.killedAt() - start) / 1000.0,
          f.downMillis() / 1000.0, inWindow);
    }
    Map<String, Long> fourXx = actions.stream().filter(a -> a.status() >= 400 && a.status() < 500)
        .collect(Collectors.groupingBy(a -> a.kind() + " " + a.status(), TreeMap::new, Collectors.counting()));
    System.out.println("\n  4xx answers (not failures of the suite unless unexpected): " + fourXx);
  }

  private void writeActions() throws IOException {
    Path file = stack.dataDirectory.resolve("chaos-actions.csv");
    List<String> lines = new ArrayList<>(List.of("start_ms,end_ms,client,kind,user,request,status,ids,error"));
    for (Action a : actions) {
      lines.add(String.join(",", Long.toString(a.start()), Long.toString(a.end()), a.client(), a.kind(), a.user(),
          a.request(), Integer.toString(a.status()), a.ids(), "\"" + a.error().replace("\"", "'") + "\""));
    }
    Files.write(file, lines);
    List<String> faultLines = new ArrayList<>(List.of("component,pid,killed_at_ms,new_pid,restarted_at_ms,ready_at_ms"));
    for (Fault f : faults) {
      faultLines.add(f.component() + "," + f.pid() + "," + f.killedAt() + "," + f.newPid() + "," + f.restartedAt() + "," + f.readyAt());
    }
    Files.write(stack.dataDirectory.resolve("chaos-faults.csv"), faultLines);
    System.out.println("Every action: " + file + "; faults: " + stack.dataDirectory.resolve("chaos-faults.csv"));
  }
}
