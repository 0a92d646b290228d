package io.emprops.localstack.infra;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded infrastructure of one stack. Each component starts on first use (tests start only
 * what they touch); the launcher starts them all at once with {@link #startAll}. Closing stops
 * them in the reverse order of their start.
 */
public final class Infrastructure implements AutoCloseable {

  public static final String BUCKET = "emprops";
  /** Every schema the suite's services own, one per service. */
  public static final List<String> SERVICE_SCHEMAS =
      List.of("collections", "credits", "generator", "publishing", "storage", "webhooks");

  private static final Logger log = LoggerFactory.getLogger(Infrastructure.class);

  private final StackLayout layout;
  private final Secrets secrets;
  private final Deque<InfraComponent> started = new ArrayDeque<>();

  private final Lazy<PostgresServer> postgres;
  private final Lazy<KafkaServer> kafka;
  private final Lazy<RedisServer> redis;
  private final Lazy<ObjectStoreServer> objectStore;
  private final Lazy<DevTokenIssuer> issuer;
  private final Lazy<Optional<ChainServer>> chain;
  private volatile String chainUnavailable;
  private volatile boolean chainLeftOut;
  private volatile ChainServer.Options chainOptions = ChainServer.Options.DEFAULT;
  private volatile boolean synchronousCommit;
  private volatile ServerJvm.Launch ownJvms;
  private final Lazy<Optional<AzuriteServer>> azurite;
  private volatile String azuriteUnavailable;

  public Infrastructure(StackLayout layout, Secrets secrets) {
    this.layout = layout;
    this.secrets = secrets;
    this.postgres = new Lazy<>(() -> track(PostgresServer.start(layout.port("postgres"),
        layout.data("postgres"), layout.fresh() || !layout.persistent(), synchronousCommit)));
    this.kafka = new Lazy<>(() -> track(ownJvms == null
        ? KafkaServer.start(layout.port("kafka"), layout.port("kafka-controller"), layout.data("kafka"))
        : KafkaServer.startInOwnJvm(ownJvms, layout.port("kafka"), layout.port("kafka-controller"),
            layout.data("kafka"))));
    this.redis = new Lazy<>(() -> track(RedisServer.start(layout.port("redis"),
        layout.persistent() ? layout.data("redis") : null, secrets.get("redis.password"))));
    this.objectStore = new Lazy<>(() -> {
      String accessKey = "local-" + secrets.get("s3.access-key").substring(0, 12);
      return track(ownJvms == null
          ? ObjectStoreServer.start(layout.port("s3"), layout.data("s3"), accessKey, secrets.get("s3.secret-key"), BUCKET)
          : ObjectStoreServer.startInOwnJvm(ownJvms, layout.port("s3"), layout.data("s3"), accessKey,
              secrets.get("s3.secret-key"), BUCKET));
    });
    this.issuer = new Lazy<>(() -> track(DevTokenIssuer.start(layout.port("dev-issuer"),
        issuerKeyFile(layout))));
    this.chain = new Lazy<>(this::startChain);
    this.azurite = new Lazy<>(this::startAzurite);
  }

  public StackLayout layout() {
    return layout;
  }

  public Secrets secrets() {
    return secrets;
  }

  public PostgresServer postgres() {
    return postgres.get();
  }

  /** Postgres with the schema and role of one service provisioned; returns its password. */
  public String provisionSchema(String schema) {
    String password = secrets.get("db." + schema + ".password");
    postgres().provisionServiceSchema(schema, password);
    return password;
  }

  public KafkaServer kafka() {
    return kafka.get();
  }

  public RedisServer redis() {
    return redis.get();
  }

  public ObjectStoreServer objectStore() {
    return objectStore.get();
  }

  public DevTokenIssuer issuer() {
    return issuer.get();
  }

  public static Path issuerKeyFile(StackLayout layout) {
    return layout.data("dev-issuer").resolve("signing-key.json");
  }

  /**
   * Kafka and the object store each in a JVM of its own, started as {@code launch} says (the
   * launcher: so that each can be killed and restarted alone); set before they start. Tests keep
   * them in their JVM.
   */
  public void ownJvms(ServerJvm.Launch launch) {
    this.ownJvms = launch;
  }

  /** Whether Postgres commits wait for their WAL to be flushed, as in production; set before it starts. */
  public void synchronousCommit(boolean on) {
    this.synchronousCommit = on;
  }

  /** How the local chain mines; set before it starts. */
  public void chainOptions(ChainServer.Options options) {
    this.chainOptions = options;
  }

  /**
   * The local chain, or empty when anvil cannot be had here or the chain was left out
   * ({@link #chainUnavailableReason}).
   */
  public Optional<ChainServer> chain() {
    return chainLeftOut ? Optional.empty() : chain.get();
  }

  public String chainUnavailableReason() {
    return chainUnavailable;
  }

  /**
   * Another chain of this stack's kind, for a test that mines its own way (block time, reorgs):
   * on a free port, stopped with the stack unless closed before.
   *
   * @throws IllegalStateException when anvil cannot be had here, saying why
   */
  public ChainServer startExtraChain(ChainServer.Options options) {
    StringBuilder whyNot = new StringBuilder();
    Path anvil = ChainServer.installAnvil(layout.cacheDirectory(), npmVersion("anvil.version"), whyNot)
        .orElseThrow(() -> new IllegalStateException("no EVM chain here: " + whyNot));
    int port = Ports.free();
    return track(ChainServer.start(port, anvil, null, layout.logs().resolve("anvil-" + port + ".log"), options));
  }

  /**
   * Azure Blob Storage (Azurite), or empty when it cannot be had here
   * ({@link #azuriteUnavailableReason}). Only the storage tests use it (the suite runs on the S3
   * store), so it is not part of the port layout: it listens on a free port.
   */
  public Optional<AzuriteServer> azurite() {
    return azurite.get();
  }

  public String azuriteUnavailableReason() {
    return azuriteUnavailable;
  }

  private Optional<AzuriteServer> startAzurite() {
    StringBuilder whyNot = new StringBuilder();
    Optional<Path> azuriteBlob = AzuriteServer.install(layout.cacheDirectory(), npmVersion("azurite.version"), whyNot);
    if (azuriteBlob.isEmpty()) {
      azuriteUnavailable = whyNot.toString();
      return Optional.empty();
    }
    Path data = layout.data("azurite");
    data.toFile().mkdirs();
    return Optional.of(track(AzuriteServer.start(Ports.free(), azuriteBlob.get(), data,
        layout.logs().resolve("azurite.log"))));
  }

  private Optional<ChainServer> startChain() {
    StringBuilder whyNot = new StringBuilder();
    Optional<Path> anvil = ChainServer.installAnvil(layout.cacheDirectory(), npmVersion("anvil.version"), whyNot);
    if (anvil.isEmpty()) {
      chainUnavailable = whyNot.toString();
      return Optional.empty();
    }
    Path state = null;
    if (layout.persistent()) {
      state = layout.data("chain").resolve("state.json");
      state.getParent().toFile().mkdirs();
    }
    return Optional.of(track(ChainServer.start(layout.port("chain"), anvil.get(), state,
        layout.logs().resolve("anvil.log"), chainOptions)));
  }

  /** No chain for this stack (--no-chain): {@link #chain()} stays empty instead of starting one. */
  public void leaveOutChain() {
    chainLeftOut = true;
    chainUnavailable = "the local chain was not started (--no-chain)";
  }

  /**
   * Starts every component concurrently (cold start is bound by the slowest one). Without the
   * chain, nothing starts it later either: {@link #chain()} stays empty.
   */
  public void startAll(boolean withChain) {
    List<Supplier<?>> starters = new ArrayList<>(List.of(
        this::postgres, this::kafka, this::redis, this::objectStore, this::issuer));
    if (withChain) {
      starters.add(this::chain);
    } else {
      leaveOutChain();
    }
    // Not the common pool: its threads carry the system class loader, which inside the
    // launcher's fat jar cannot see Kafka's classes (Kafka resolves config classes through the
    // thread's context class loader).
    ClassLoader loader = Infrastructure.class.getClassLoader();
    ExecutorService executor = Executors.newFixedThreadPool(starters.size(), runnable -> {
      Thread thread = new Thread(runnable, "infra-start");
      thread.setContextClassLoader(loader);
      thread.setDaemon(true);
      return thread;
    });
    try {
      List<CompletableFuture<?>> futures = starters.stream()
          .<CompletableFuture<?>>map(starter -> CompletableFuture.supplyAsync(starter, executor))
          .toList();
      CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).join();
      SERVICE_SCHEMAS.forEach(this::provisionSchema);
    } catch (RuntimeException e) {
      close();
      throw e instanceof CompletionException && e.getCause() instanceof RuntimeException cause ? cause : e;
    } finally {
      executor.shutdown();
    }
  }

  /** The version of an npm package, fixed in the build (pom properties anvil.npm.version, azurite.npm.version). */
  static String npmVersion(String name) {
    try (InputStream in = Infrastructure.class.getResourceAsStream("/local-stack.properties")) {
      if (in == null) {
        throw new IllegalStateException("local-stack.properties missing from the build");
      }
      Properties properties = new Properties();
      properties.load(in);
      return properties.getProperty(name);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read local-stack.properties", e);
    }
  }

  private <T extends InfraComponent> T track(T component) {
    synchronized (started) {
      started.push(component);
    }
    log.info("{} ready at {}", component.name(), component.endpoint());
    return component;
  }

  @Override
  public void close() {
    while (true) {
      InfraComponent component;
      synchronized (started) {
        if (started.isEmpty()) {
          return;
        }
        component = started.pop();
      }
      try {
        component.close();
      } catch (RuntimeException e) {
        log.warn("{} did not stop cleanly: {}", component.name(), e.toString());
      }
    }
  }

  /** Computes once, on first use, under its own lock (components start concurrently). */
  private static final class Lazy<T> {
    private final Supplier<T> supplier;
    private volatile T value;

    Lazy(Supplier<T> supplier) {
      this.supplier = supplier;
    }

    T get() {
      T v = value;
      if (v == null) {
        synchronized (this) {
          v = value;
          if (v == null) {
            v = supplier.get();
            value = v;
          }
        }
      }
      return v;
    }
  }
}
