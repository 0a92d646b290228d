package io.emprops.publishing.testing;

import io.emprops.localstack.infra.ChainServer;
import io.emprops.localstack.infra.Infrastructure;
import io.emprops.localstack.launcher.App;
import io.emprops.localstack.launcher.AppProperties;
import io.emprops.localstack.testing.SharedInfrastructure;
import io.emprops.publishing.PublishingApplication;
import io.emprops.publishing.domain.publication.PublicationCheckpoints;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The publishing service as a process would run it, started and stopped by a test: configured as
 * the launcher configures it, but on a schema, an event namespace and a chain of the test's own,
 * so that a new instance on the same schema is a restart and nothing else shares its rows, topics
 * or nonces.
 */
public final class PublishingServiceRun {

  private static final AtomicInteger SEQUENCE = new AtomicInteger();

  private final String schema;
  private final String namespace;
  private final ChainServer chain;
  private final Map<String, String> overrides = new HashMap<>();

  private PublishingServiceRun(String schema, String namespace, ChainServer chain) {
    this.schema = schema;
    this.namespace = namespace;
    this.chain = chain;
  }

  /**
   * A new schema and namespace without a chain of its own (the stack's, if any, as the launcher
   * configures it): for tests of what publishing does off chain.
   */
  public static PublishingServiceRun offChain() {
    return on(null);
  }

  /** A new schema and namespace on {@code chain}. */
  public static PublishingServiceRun on(ChainServer chain) {
    int n = SEQUENCE.incrementAndGet();
    String suffix = ProcessHandle.current().pid() + "_" + n;
    return new PublishingServiceRun("publishing_t" + suffix, "pubtest" + suffix, chain);
  }

  /** A property of the {@code local} chain ({@code confirmations}, {@code stuck-after}, …). */
  public PublishingServiceRun chainProperty(String name, String value) {
    overrides.put("emprops.publishing.chains.local." + name, value);
    return this;
  }

  /**
   * Relays the outbox to Kafka. Off by default: each relay holds a replication slot, of which the
   * test Postgres has 20 for every schema of the JVM.
   */
  public PublishingServiceRun withRelay() {
    overrides.put("emprops.events.relay.enabled", "true");
    return this;
  }

  public PublishingServiceRun property(String name, String value) {
    overrides.put(name, value);
    return this;
  }

  public String namespace() {
    return namespace;
  }

  public String schema() {
    return schema;
  }

  public ConfigurableApplicationContext start() {
    return start(PublicationCheckpoints.NONE);
  }

  /** Starts an instance whose saga calls {@code checkpoints} (a restart when one ran before). */
  public ConfigurableApplicationContext start(PublicationCheckpoints checkpoints) {
    Infrastructure infra = SharedInfrastructure.get();
    Map<String, Object> properties = new HashMap<>(AppProperties.forApp(App.PUBLISHING, infra));
    properties.putAll(AppProperties.database(infra, schema));
    if (chain != null) {
      properties.putAll(AppProperties.localChain(chain));
    }
    properties.put("emprops.service.schema", schema);
    properties.put("emprops.events.namespace", namespace);
    // Its own name: relays register JMX beans by it, and other contexts of the service live in this JVM.
    properties.put("spring.application.name", "publishing-" + schema.replace('_', '-'));
    properties.put("server.port", "0");
    properties.put("emprops.events.relay.enabled", "false");
    properties.putAll(overrides);
    // As command-line arguments: above the application's files and the shared service defaults.
    String[] arguments = properties.entrySet().stream().map(e -> "--" + e.getKey() + "=" + e.getValue())
        .toArray(String[]::new);
    ConfigurableApplicationContext context = new SpringApplicationBuilder(PublishingApplication.class)
        .initializers(c -> c.getBeanFactory().registerSingleton("testCheckpoints", checkpoints))
        .run(arguments);
    SharedInfrastructure.registerDependent(() -> {
      if (context.isActive()) {
        SpringApplication.exit(context);
      }
    });
    return context;
  }
}
