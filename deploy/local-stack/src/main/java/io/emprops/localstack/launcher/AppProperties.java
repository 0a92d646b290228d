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

  /** Everything {@code app} needs to run against {@code infra}. */
  public static Map<String, String> forApp(App app, Infrastructure infra) {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("server.port", Integer.toString(infra.layout().port(app.module())));
    p.put("server.address", Ports.LOOPBACK);
    p.put("emprops.internal.secret", internalSecret(infra));
    app.schema().ifPresent(schema -> p.putAll(database(infra, schema)));
    switch (app) {
      case GATEWAY -> {
        p.putAll(redis(infra));
        p.putAll(jwt(infra));
        for (App target : App.values()) {
          if (target != App.GATEWAY) {
            p.put("emprops.gateway.services." + target.shortName(),
                "http://" + Ports.LOOPBACK + ":" + infra.layout().port(target.module()));
          }
        }
      }
      case COLLECTIONS, CREDITS -> p.putAll(kafka(infra));
      case GENERATOR -> {
        p.putAll(kafka(infra));
        p.putAll(redis(infra));
        p.put("emprops.generator.credentials-key", infra.secrets().get("generator.credentials-key"));
        p.put("emprops.generator.seed-examples", "true");
        p.put("emprops.generator.collections.url",
            "http://" + Ports.LOOPBACK + ":" + infra.layout().port(App.COLLECTIONS.module()));
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

  public static String internalSecret(Infrastructure infra) {
    return infra.secrets().get("internal.secret");
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

  /** The {@code local} chain entry for {@code chain}, confirmed after one block, polled every 100 ms. */
  public static Map<String, String> localChain(ChainServer chain) {
    Map<String, String> p = new LinkedHashMap<>();
    String prefix = "emprops.publishing.chains.local.";
    p.put(prefix + "blockchains", "ETHEREUM,BASE");
    p.put(prefix + "network", "anvil");
    p.put(prefix + "chain-id", Long.toString(ChainServer.CHAIN_ID));
    p.put(prefix + "rpc-url", chain.rpcUrl());
    p.put(prefix + "confirmations", "1");
    p.put(prefix + "max-fee-per-gas", "100 gwei");
    p.put(prefix + "max-priority-fee-per-gas", "2 gwei");
    p.put(prefix + "max-deployment-cost", "1 ether");
    p.put(prefix + "poll-interval", "100ms");
    p.put(prefix + "stuck-after", "30s");
    p.put("emprops.publishing.signer-key", ChainServer.DEV_PRIVATE_KEY);
    return p;
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
