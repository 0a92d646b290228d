package io.emprops.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupListing;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * What a sustained run watches besides its clients' answers (issue 20, item 3): the memory of
 * every process of the stack at the start and the end of the load — resident set, and for a JVM
 * the heap still live after a full collection, so growth means a leak rather than garbage not yet
 * collected — and, sampled every few seconds, the Kafka consumer groups' lag and the database's
 * connections per role.
 */
final class ResourceWatch implements AutoCloseable {

  /** A process's memory: {@code heapAfterGcKb} is -1 for a process that is not a JVM. */
  record Memory(String component, long pid, long rssKb, long heapAfterGcKb) {}

  /**
   * A heap space's line of {@code jcmd GC.heap_info}: Serial's {@code DefNew} and {@code Tenured},
   * Parallel's generations ("total …K, used …K"), G1's {@code garbage-first heap} ("total reserved
   * …K, committed …K, used …K" since JDK 21); their sub-spaces and Metaspace say "… used" without
   * a total.
   */
  private static final Pattern HEAP_USED = Pattern.compile("total (?:reserved \\d+K, committed )?\\d+K, used (\\d+)K");

  private final RunningStack stack;
  private final BenchSupport db;
  private final Admin kafka;
  private final Map<String, Long> maxLag = new ConcurrentHashMap<>();
  private final Map<String, Long> maxConnections = new ConcurrentHashMap<>();
  private volatile Map<String, Long> lastLag = Map.of();
  private volatile Map<String, Long> lastConnections = Map.of();
  private final Thread sampler;
  private volatile boolean running = true;

  ResourceWatch(RunningStack stack, BenchSupport db, Duration every) {
    this.stack = stack;
    this.db = db;
    Properties config = new Properties();
    config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + stack.port("kafka"));
    this.kafka = Admin.create(config);
    this.sampler = Thread.ofPlatform().daemon().name("resource-watch").start(() -> {
      while (running) {
        sample();
        try {
          Thread.sleep(every.toMillis());
        } catch (InterruptedException e) {
          return;
        }
      }
    });
  }

  /**
   * Every process's memory now: the smallest of three readings a second apart, each JVM made to
   * collect its garbage first (jcmd GC.run). Under load a reading also holds the requests in
   * flight (a storage upload's 8 MB part buffer is live until sent); what a leak holds is in all three.
   */
  Map<String, Memory> memory() throws IOException, InterruptedException {
    Map<String, Memory> least = reading();
    for (int i = 0; i < 2; i++) {
      Thread.sleep(1_000);
      for (Memory m : reading().values()) {
        least.merge(m.component(), m, (a, b) -> a.pid() != b.pid() ? b
            : new Memory(a.component(), a.pid(), Math.min(a.rssKb(), b.rssKb()), Math.min(a.heapAfterGcKb(), b.heapAfterGcKb())));
      }
    }
    return least;
  }

  private Map<String, Memory> reading() throws IOException, InterruptedException {
    Map<String, Memory> memory = new TreeMap<>();
    Properties pids = new Properties();
    try (var in = Files.newInputStream(stack.dataDirectory.resolve("pids.properties"))) {
      pids.load(in);
    }
    for (String component : pids.stringPropertyNames()) {
      long pid = Long.parseLong(pids.getProperty(component));
      long heap = -1;
      if (isJvm(component)) {
        jcmd(pid, "GC.run");
        heap = heapUsedKb(jcmd(pid, "GC.heap_info"));
      }
      memory.put(component, new Memory(component, pid, rssKb(pid), heap));
    }
    return memory;
  }

  private void sample() {
    try {
      Map<String, Long> lag = lag();
      lastLag = lag;
      lag.forEach((group, value) -> maxLag.merge(group, value, Math::max));
      Map<String, Long> connections = new TreeMap<>();
      for (List<String> row : db.rows("SELECT coalesce(usename, '(background)'), count(*) FROM pg_stat_activity GROUP BY 1")) {
        connections.put(row.get(0), Long.parseLong(row.get(1)));
      }
      lastConnections = connections;
      connections.forEach((role, value) -> maxConnections.merge(role, value, Math::max));
    } catch (Exception e) {
      // A sample missed (a broker restarting) is a gap in the figures, not a failure of the run.
      System.out.println("  resource sample missed: " + e);
    }
  }

  /** Records not yet consumed, per consumer group, over every partition the group has committed. */
  private Map<String, Long> lag() throws Exception {
    Map<String, Long> lag = new TreeMap<>();
    for (ConsumerGroupListing group : kafka.listConsumerGroups().all().get(10, TimeUnit.SECONDS)) {
      Map<TopicPartition, OffsetAndMetadata> committed = kafka.listConsumerGroupOffsets(group.groupId())
          .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
      Map<TopicPartition, OffsetSpec> latest = new java.util.HashMap<>();
      committed.keySet().forEach(p -> latest.put(p, OffsetSpec.latest()));
      Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = kafka.listOffsets(latest).all()
          .get(10, TimeUnit.SECONDS);
      long total = 0;
      for (Map.Entry<TopicPartition, OffsetAndMetadata> e : committed.entrySet()) {
        if (e.getValue() != null && ends.containsKey(e.getKey())) {
          total += Math.max(0, ends.get(e.getKey()).offset() - e.getValue().offset());
        }
      }
      lag.put(group.groupId(), total);
    }
    return lag;
  }

  /** The report's lines: memory at start and end per process, lag and connections (max, end). */
  List<String> report(Map<String, Memory> start, Map<String, Memory> end) {
    List<String> lines = new ArrayList<>();
    lines.add(String.format("  %-20s %10s %10s %8s %14s %14s %8s", "process", "RSS start", "RSS end", "growth",
        "heap start", "heap end", "growth"));
    for (Memory s : start.values()) {
      Memory e = end.get(s.component());
      if (e == null) {
        continue;
      }
      boolean restarted = e.pid() != s.pid();
      lines.add(String.format("  %-20s %8d MB %8d MB %8s %11s MB %11s MB %8s%s", s.component(), s.rssKb() / 1024,
          e.rssKb() / 1024, growth(s.rssKb(), e.rssKb()), s.heapAfterGcKb() < 0 ? "-" : s.heapAfterGcKb() / 1024,
          e.heapAfterGcKb() < 0 ? "-" : e.heapAfterGcKb() / 1024,
          s.heapAfterGcKb() < 0 ? "-" : growth(s.heapAfterGcKb(), e.heapAfterGcKb()),
          restarted ? "  (restarted: not comparable)" : ""));
    }
    lines.add("  Kafka consumer lag, records (max during the run / at the end):");
    maxLag.forEach((group, max) -> lines.add(String.format("    %-52s %8d / %d", group, max, lastLag.getOrDefault(group, 0L))));
    lines.add("  database connections per role (max during the run / at the end):");
    maxConnections.forEach((role, max) -> lines.add(String.format("    %-52s %8d / %d", role, max,
        lastConnections.getOrDefault(role, 0L))));
    return lines;
  }

  /**
   * The largest growth of live heap among the JVMs, in percent; empty when a JVM's heap could not
   * be read at either end or a process was restarted in between (no comparison, so no verdict).
   */
  static OptionalDouble worstHeapGrowth(Map<String, Memory> start, Map<String, Memory> end) {
    double worst = Double.NEGATIVE_INFINITY;
    for (Memory s : start.values()) {
      if (!isJvm(s.component())) {
        continue;
      }
      Memory e = end.get(s.component());
      if (e == null || e.pid() != s.pid() || s.heapAfterGcKb() <= 0 || e.heapAfterGcKb() <= 0) {
        return OptionalDouble.empty();
      }
      worst = Math.max(worst, 100.0 * (e.heapAfterGcKb() - s.heapAfterGcKb()) / s.heapAfterGcKb());
    }
    return worst == Double.NEGATIVE_INFINITY ? OptionalDouble.empty() : OptionalDouble.of(worst);
  }

  /** The stack's processes are JVMs but for Redis, Postgres and the chain node (anvil). */
  private static boolean isJvm(String component) {
    return !component.equals("redis") && !component.equals("chain") && !component.equals("postgres");
  }

  /**
   * Each JVM's live heap at every reading of a sustained run, in MB, and its growth over the
   * second half of the readings: a leak grows all along, a warming cache or pool levels off.
   */
  static List<String> heapTrend(List<Map<String, Memory>> readings, List<String> labels) {
    List<String> lines = new ArrayList<>();
    if (readings.size() < 3) {
      return lines;
    }
    lines.add("  live heap after GC at each reading, MB (" + String.join(", ", labels) + "); growth over the second half:");
    Map<String, Memory> first = readings.getFirst();
    Map<String, Memory> middle = readings.get((readings.size() - 1) / 2);
    Map<String, Memory> last = readings.getLast();
    for (String component : first.keySet()) {
      if (!isJvm(component)) {
        continue;
      }
      StringBuilder line = new StringBuilder(String.format("    %-20s", component));
      for (Map<String, Memory> reading : readings) {
        Memory m = reading.get(component);
        line.append(String.format(" %5s", m == null || m.heapAfterGcKb() < 0 ? "-" : Long.toString(m.heapAfterGcKb() / 1024)));
      }
      Memory from = middle.get(component);
      Memory to = last.get(component);
      line.append("   ").append(from == null || to == null || from.pid() != to.pid() ? "-"
          : growth(from.heapAfterGcKb(), to.heapAfterGcKb()));
      lines.add(line.toString());
    }
    return lines;
  }

  private static String growth(long from, long to) {
    return from <= 0 ? "-" : String.format("%+.1f%%", 100.0 * (to - from) / from);
  }

  static long heapUsedKb(String heapInfo) {
    Matcher m = HEAP_USED.matcher(heapInfo);
    long used = 0;
    boolean found = false;
    while (m.find()) {
      used += Long.parseLong(m.group(1));
      found = true;
    }
    return found ? used : -1;
  }

  private static long rssKb(long pid) throws IOException {
    Path status = Path.of("/proc", Long.toString(pid), "status");
    if (!Files.exists(status)) {
      return -1;
    }
    return Files.readAllLines(status).stream().filter(l -> l.startsWith("VmRSS:"))
        .map(l -> Long.parseLong(l.replaceAll("\\D", ""))).findFirst().orElse(-1L);
  }

  private static String jcmd(long pid, String command) throws IOException, InterruptedException {
    Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    Process process = new ProcessBuilder(jcmd.toString(), Long.toString(pid), command).redirectErrorStream(true).start();
    String out = new String(process.getInputStream().readAllBytes());
    process.waitFor(60, TimeUnit.SECONDS);
    return out;
  }

  @Override
  public void close() {
    running = false;
    sampler.interrupt();
    kafka.close(Duration.ofSeconds(5));
  }
}
