package io.emprops.localstack.infra;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Date;
import java.util.List;
import java.util.UUID;

/**
 * The local stand-in for the production identity provider: an RS256 key pair kept in a file,
 * its public half served as a JWKS over HTTP, and tokens minted with the private half. The
 * gateway verifies these tokens exactly as it verifies production ones (JWKS URL, iss, aud).
 */
public final class DevTokenIssuer implements InfraComponent {

  public static final String ISSUER = "emprops-local-dev";
  public static final String AUDIENCE = "emprops-api";
  public static final String JWKS_PATH = "/.well-known/jwks.json";

  private final RSAKey key;
  private final HttpServer server;
  private final int port;

  private DevTokenIssuer(RSAKey key, HttpServer server, int port) {
    this.key = key;
    this.server = server;
    this.port = port;
  }

  /** Serves the JWKS of the key in {@code keyFile} (created if missing) on {@code port}. */
  public static DevTokenIssuer start(int port, Path keyFile) {
    RSAKey key = loadOrCreateKey(keyFile);
    try {
      HttpServer server = HttpServer.create(new InetSocketAddress(Ports.LOOPBACK, port), 0);
      byte[] jwks = new JWKSet(key.toPublicJWK()).toString().getBytes(StandardCharsets.UTF_8);
      server.createContext(JWKS_PATH, exchange -> {
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, jwks.length);
        exchange.getResponseBody().write(jwks);
        exchange.close();
      });
      server.start();
      return new DevTokenIssuer(key, server, port);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot serve the dev JWKS on port " + port, e);
    }
  }

  /** Mints a token without a running server (for `./run token`). */
  public static String mint(Path keyFile, String userId, Collection<String> roles, Duration ttl) {
    return mint(loadOrCreateKey(keyFile), userId, roles, ttl);
  }

  public String mint(String userId, Collection<String> roles, Duration ttl) {
    return mint(key, userId, roles, ttl);
  }

  private static String mint(RSAKey key, String userId, Collection<String> roles, Duration ttl) {
    Instant now = Instant.now();
    JWTClaimsSet claims = new JWTClaimsSet.Builder()
        .issuer(ISSUER)
        .audience(AUDIENCE)
        .subject(userId)
        .claim("roles", List.copyOf(roles))
        .issueTime(Date.from(now))
        .notBeforeTime(Date.from(now))
        .expirationTime(Date.from(now.plus(ttl)))
        .jwtID(UUID.randomUUID().toString())
        .build();
    SignedJWT jwt = new SignedJWT(
        new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).type(JOSEObjectType.JWT).build(),
        claims);
    try {
      jwt.sign(new RSASSASigner(key));
    } catch (JOSEException e) {
      throw new IllegalStateException("cannot sign a dev token", e);
    }
    return jwt.serialize();
  }

  private static synchronized RSAKey loadOrCreateKey(Path keyFile) {
    try {
      if (Files.exists(keyFile)) {
        return RSAKey.parse(Files.readString(keyFile));
      }
      RSAKey key = new RSAKeyGenerator(2048)
          .keyID("dev-" + UUID.randomUUID().toString().substring(0, 8))
          .keyUse(KeyUse.SIGNATURE)
          .algorithm(JWSAlgorithm.RS256)
          .generate();
      Files.createDirectories(keyFile.getParent());
      Files.writeString(keyFile, key.toJSONString());
      try {
        Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rw-------"));
      } catch (UnsupportedOperationException ignored) {
        // not a POSIX file system; the folder is the developer's own
      }
      return key;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read or write " + keyFile, e);
    } catch (ParseException | JOSEException e) {
      throw new IllegalStateException("bad dev issuer key in " + keyFile, e);
    }
  }

  @Override
  public String name() {
    return "dev-issuer";
  }

  @Override
  public String endpoint() {
    return jwksUrl();
  }

  public String jwksUrl() {
    return "http://" + Ports.LOOPBACK + ":" + port + JWKS_PATH;
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
