package io.emprops.localstack.launcher;

import io.emprops.localstack.infra.ChainServer;
import io.emprops.localstack.infra.DevTokenIssuer;
import io.emprops.localstack.infra.Infrastructure;
import io.emprops.localstack.infra.ObjectStoreServer;
import io.emprops.localstack.infra.Ports;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The configuration each application receives: the one place that knows which property tells
 * which service where its infrastructure is. The launcher passes it as environment variables;
 * tests pass the same properties to their Spring contexts.
 */
public final class AppProperties {

  private AppProperties() {}

  /** Everything {@code app} needs to run against {@code infra}, one instance of each application. */
  public static Map<String, String> forApp(App app, Infrastructure infra) {
    return forApp(app, infra, 1);
  }

  /**
   * Everything {@code app} needs to run against {@code infra} when every service runs as
   * {@code instances} instances: the gateway is given all of them (it balances across them), and
   * each instance its own {@code server.port} ({@link #forInstance}).
   */
  public static Map<String, String> forApp(App app, Infrastructure infra, int instances) {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("server.port", Integer.toString(infra.layout().port(app.module())));
    p.put("server.address", Ports.LOOPBACK);
    p.put("emprops.internal.secret", internalSecret(infra));
    app.schema().ifPresent(schema -> p.putAll(database(infra, schema)));
    switch (app) {
      case GATEWAY -> {
        p.putAll(redis(infra));
        p.putAll(jwt(infra));
        p.put("emprops.gateway.service-keys.job-queue", sha256Hex(jobQueueKey(infra)));
        for (App target : App.values()) {
          if (target != App.GATEWAY) {
            p.put("emprops.gateway.services." + target.shortName(), java.util.stream.IntStream
                .rangeClosed(1, instances)
                .mapToObj(i -> "http://" + Ports.LOOPBACK + ":" + infra.layout().port(target.module(), i))
                .collect(java.util.stream.Collectors.joining(",")));
          }
        }
      }
      case COLLECTIONS, CREDITS -> p.putAll(kafka(infra));
      case GENERATOR -> {
        p.putAll(kafka(infra));
        p.putAll(redis(infra));
        p.put("emprops.generator.credentials-key", infra.secrets().get("generator.credentials-key"));
        p.put("emprops.generator.seed-examples", "true");
      }
      case PUBLISHING -> {
        p.putAll(kafka(infra));
        p.putAll(chain(infra));
      }
      case STORAGE -> {
        p.putAll(kafka(infra));
        p.putAll(objectStore(infra));
      }
      case WEBHOOKS -> {
        p.putAll(kafka(infra));
        p.put("emprops.webhooks.secrets-key", infra.secrets().get("webhooks.secrets-key"));
        // A local stack: endpoints may be http:// receivers on this machine's loopback.
        p.put("emprops.webhooks.local-mode", "true");
      }
    }
    return p;
  }

  /** The same properties for instance {@code instance} (from 1) of {@code app}: its own port. */
  public static Map<String, String> forInstance(Map<String, String> properties, App app, Infrastructure infra,
      int instance) {
    Map<String, String> p = new LinkedHashMap<>(properties);
    p.put("server.port", Integer.toString(infra.layout().port(app.module(), instance)));
    return p;
  }

  public static String internalSecret(Infrastructure infra) {
    return infra.secrets().get("internal.secret");
  }

  /**
   * The service key a real EmProps job queue presents to this stack's gateway as its
   * {@code EMPROPS_API_KEY} (the gateway holds only its SHA-256 and grants it role
   * {@code job-queue}); generated with the stack's other secrets.
   */
  public static String jobQueueKey(Infrastructure infra) {
    return "emps_" + infra.secrets().get("job-queue.api-key");
  }

  /**
   * What a real job queue needs to work with this stack: its Redis and how to reach our API
   * ({@code EMPROPS_API_URL}, {@code EMPROPS_API_KEY}); written to {@code .local/env/job-queue.env}.
   */
  public static Map<String, String> jobQueueEnvironment(Infrastructure infra) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("REDIS_URL", infra.redis().url());
    env.put("EMPROPS_API_URL", "http://" + Ports.LOOPBACK + ":" + infra.layout().port(App.GATEWAY.module()));
    env.put("EMPROPS_API_KEY", jobQueueKey(infra));
    return env;
  }

  private static String sha256Hex(String text) {
    try {
      return java.util.HexFormat.of().formatHex(
          java.security.MessageDigest.getInstance("SHA-256").digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 unavailable", e);
    }
  }

  public static Map<String, String> database(Infrastructure infra, String schema) {
    String password = infra.provisionSchema(schema);
    return Map.of(
        "spring.datasource.url", infra.postgres().jdbcUrl(schema),
        "spring.datasource.username", schema,
        "spring.datasource.password", password);
  }

  public static Map<String, String> kafka(Infrastructure infra) {
    return Map.of("spring.kafka.bootstrap-servers", infra.kafka().bootstrapServers());
  }

  public static Map<String, String> redis(Infrastructure infra) {
    return Map.of("spring.data.redis.url", infra.redis().url());
  }

  public static Map<String, String> objectStore(Infrastructure infra) {
    ObjectStoreServer s3 = infra.objectStore();
    return Map.of(
        "emprops.storage.provider", "s3",
        "emprops.storage.s3.endpoint", s3.url(),
        "emprops.storage.s3.region", ObjectStoreServer.REGION,
        "emprops.storage.s3.path-style", "true",
        "emprops.storage.s3.bucket", s3.bucket(),
        "emprops.storage.s3.access-key", s3.accessKey(),
        "emprops.storage.s3.secret-key", s3.secretKey(),
        // The public-read bucket plays the CDN locally: objects are written readable by anyone.
        "emprops.storage.s3.object-acl", "public-read",
        "emprops.storage.cdn-base-url", s3.publicBaseUrl());
  }

  /**
   * Publishing against the local anvil: ETHEREUM and BASE collections both deploy there, signed
   * by anvil's first dev account (a well-known key holding test ether only, given here and never
   * in the service's own configuration). Without a chain, publishing runs disabled and says why.
   */
  public static Map<String, String> chain(Infrastructure infra) {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("emprops.publishing.metadata-base-url",
        "http://" + Ports.LOOPBACK + ":" + infra.layout().port(App.GATEWAY.module()));
    infra.chain().ifPresentOrElse(chain -> p.putAll(localChain(chain)), () -> {
      p.put("emprops.publishing.enabled", "false");
      p.put("emprops.publishing.disabled-reason", "no local EVM chain: " + infra.chainUnavailableReason());
    });
    return p;
  }

  /** The prefix of publishing's properties for the local chain. */
  private static final String LOCAL_CHAIN = "emprops.publishing.chains.local.";

  /**
   * The {@code local} chain entry for {@code chain}, confirmed after one block (the launcher's
   * {@code --chain-confirmations} may ask for more), polled every 100 ms
   * (publications) and 250 ms (mints).
   */
  public static Map<String, String> localChain(ChainServer chain) {
    Map<String, String> p = new LinkedHashMap<>();
    String prefix = LOCAL_CHAIN;
    p.put(prefix + "blockchains", "ETHEREUM,BASE");
    p.put(prefix + "network", "anvil");
    p.put(prefix + "chain-id", Long.toString(ChainServer.CHAIN_ID));
    p.put(prefix + "rpc-url", chain.rpcUrl());
    p.putAll(localChainConfirmations(1));
    p.put(prefix + "max-fee-per-gas", "100 gwei");
    p.put(prefix + "max-priority-fee-per-gas", "2 gwei");
    p.put(prefix + "max-deployment-cost", "1 ether");
    p.put(prefix + "poll-interval", "100ms");
    p.put(prefix + "stuck-after", "30s");
    // Mints are looked for every 250 ms (2 s by default, for public chains and their RPC quotas).
    p.put("emprops.publishing.mints.poll-interval", "250ms");
    p.put("emprops.publishing.signer-key", ChainServer.DEV_PRIVATE_KEY);
    return p;
  }

  /** Publishing waits {@code blocks} confirmations on the local chain (the launcher's {@code --chain-confirmations}). */
  public static Map<String, String> localChainConfirmations(int blocks) {
    return Map.of(LOCAL_CHAIN + "confirmations", Integer.toString(blocks));
  }

  public static Map<String, String> jwt(Infrastructure infra) {
    return Map.of(
        "emprops.gateway.jwt.jwks-uri", infra.issuer().jwksUrl(),
        "emprops.gateway.jwt.issuer", DevTokenIssuer.ISSUER,
        "emprops.gateway.jwt.audience", DevTokenIssuer.AUDIENCE);
  }

  /**
   * Spring property names as environment variables ({@code spring.kafka.bootstrap-servers} →
   * {@code SPRING_KAFKA_BOOTSTRAPSERVERS}), which Spring's relaxed binding maps back.
   */
  public static Map<String, String> toEnvironment(Map<String, String> properties) {
    Map<String, String> env = new LinkedHashMap<>();
    properties.forEach((name, value) -> env.put(
        name.replace("-", "").replace('.', '_').toUpperCase(Locale.ROOT), value));
    return env;
  }
}
