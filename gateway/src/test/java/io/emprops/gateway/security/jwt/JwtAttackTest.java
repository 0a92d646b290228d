package io.emprops.gateway.security.jwt;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import io.emprops.gateway.support.GatewayIntegrationTest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Tokens an attacker could present. Each must be refused with 401 in the envelope, with a
 * {@code WWW-Authenticate} challenge, and never reach a service.
 */
class JwtAttackTest extends GatewayIntegrationTest {

  private static final String PROTECTED = "/credits/balance";

  @Test
  void validTokenReachesTheServiceAsItsSubject() {
    String userId = newUserId();
    client.get().uri(PROTECTED)
        .header("Authorization", bearer(sign(issuerKey(), claims(userId).build())))
        .exchange()
        .expectStatus().isOk();

    assertThat(service("credits").takeRequest().headers().getFirst("X-User-Id")).isEqualTo(userId);
  }

  @Test
  void missingCredentialsAreA401InTheEnvelope() {
    client.get().uri(PROTECTED)
        .exchange()
        .expectStatus().isUnauthorized()
        .expectHeader().valueMatches("WWW-Authenticate", "Bearer.*")
        .expectBody().json("{\"data\":null,\"code\":\"UNAUTHORIZED\"}")
        .jsonPath("$.error").isNotEmpty();
    assertNothingForwarded();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("forgedTokens")
  void forgedTokenIsRefused(String attack, String token) {
    client.get().uri(PROTECTED)
        .header("Authorization", bearer(token))
        .exchange()
        .expectStatus().isUnauthorized()
        .expectHeader().valueMatches("WWW-Authenticate", "Bearer.*invalid_token.*")
        .expectBody()
        .jsonPath("$.data").isEmpty()
        .jsonPath("$.code").isEqualTo("UNAUTHORIZED");
    assertNothingForwarded();
  }

  @ParameterizedTest
  @ValueSource(strings = {"Bearer", "Bearer ", "Bearer not-a-jwt", "Bearer a.b", "Bearer a.b.c.d.e",
      "Bearer eyJhbGciOiJSUzI1NiJ9.e30", "Bearer !!!.###.$$$"})
  void malformedAuthorizationIsRefused(String authorization) {
    client.get().uri(PROTECTED)
        .header("Authorization", authorization)
        .exchange()
        .expectStatus().isUnauthorized()
        .expectBody().jsonPath("$.code").isEqualTo("UNAUTHORIZED");
    assertNothingForwarded();
  }

  @Test
  void forgedTokenIsRefusedEvenOnPublicEndpoints() {
    // A public endpoint forwards the caller's identity when there is one: it must be a real one.
    client.get().uri("/feed")
        .header("Authorization", bearer(sign(newRsaKey("kid-of-nobody"), claims(newUserId()).build())))
        .exchange()
        .expectStatus().isUnauthorized();
    assertNothingForwardedTo("collections");
  }

  static Stream<Arguments> forgedTokens() throws Exception {
    RSAKey issuerKey = issuerKey();
    Instant now = Instant.now();
    return Stream.of(
        Arguments.of("alg none", new PlainJWT(claims(newUserId()).build()).serialize()),
        Arguments.of("alg none with the issuer's kid", unsecured(issuerKey.getKeyID())),
        Arguments.of("HS256 signed with the RSA public key bytes", hmacWithPublicKey(issuerKey)),
        Arguments.of("expired", sign(issuerKey, claims(newUserId())
            .issueTime(Date.from(now.minus(Duration.ofMinutes(10))))
            .notBeforeTime(Date.from(now.minus(Duration.ofMinutes(10))))
            .expirationTime(Date.from(now.minus(Duration.ofMinutes(5)))).build())),
        Arguments.of("not yet valid", sign(issuerKey, claims(newUserId())
            .notBeforeTime(Date.from(now.plus(Duration.ofMinutes(5)))).build())),
        Arguments.of("no expiry", sign(issuerKey, claims(newUserId()).expirationTime(null).build())),
        Arguments.of("wrong issuer", sign(issuerKey, claims(newUserId()).issuer("https://evil.example").build())),
        Arguments.of("wrong audience", sign(issuerKey, claims(newUserId()).audience("another-api").build())),
        Arguments.of("no subject", sign(issuerKey, claims(null).build())),
        Arguments.of("tampered payload", tampered(issuerKey, claims -> claims.subject("admin-user")
            .claim("roles", List.of("admin")))),
        Arguments.of("unknown kid", sign(newRsaKey("kid-of-nobody"), claims(newUserId()).build())),
        Arguments.of("issuer's kid, other key", sign(newRsaKey(issuerKey.getKeyID()), claims(newUserId()).build())),
        Arguments.of("ES256 with a key not in the JWKS", es256(claims(newUserId()).build())),
        Arguments.of("truncated signature", truncatedSignature(issuerKey)));
  }

  private void assertNothingForwarded() {
    assertNothingForwardedTo("credits");
  }

  private static JWTClaimsSet.Builder claims(String subject) {
    Instant now = Instant.now();
    return new JWTClaimsSet.Builder()
        .issuer(issuer())
        .audience(audience())
        .subject(subject)
        .claim("roles", List.of("user"))
        .issueTime(Date.from(now))
        .notBeforeTime(Date.from(now))
        .expirationTime(Date.from(now.plus(Duration.ofMinutes(5))));
  }

  private static String sign(RSAKey key, JWTClaimsSet claims) {
    return sign(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID())
        .type(JOSEObjectType.JWT).build(), claims, signer(key));
  }

  private static String sign(JWSHeader header, JWTClaimsSet claims, JWSSigner signer) {
    try {
      SignedJWT jwt = new SignedJWT(header, claims);
      jwt.sign(signer);
      return jwt.serialize();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static JWSSigner signer(RSAKey key) {
    try {
      return new RSASSASigner(key);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static RSAKey newRsaKey(String keyId) {
    try {
      return new RSAKeyGenerator(2048).keyID(keyId).generate();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** {"alg":"none"} with the issuer's key id and an empty signature part. */
  private static String unsecured(String keyId) {
    String header = Base64URL.encode("{\"alg\":\"none\",\"kid\":\"" + keyId + "\",\"typ\":\"JWT\"}").toString();
    String payload = Base64URL.encode(claims(newUserId()).build().toString()).toString();
    return header + "." + payload + ".";
  }

  /** The classic RS/HS confusion: the public key, as text, used as the HMAC secret. */
  private static String hmacWithPublicKey(RSAKey issuerKey) throws Exception {
    byte[] publicKeyBytes = issuerKey.toPublicJWK().toJSONString().getBytes(StandardCharsets.UTF_8);
    byte[] pem = ("-----BEGIN PUBLIC KEY-----\n"
        + java.util.Base64.getMimeEncoder().encodeToString(issuerKey.toRSAPublicKey().getEncoded())
        + "\n-----END PUBLIC KEY-----\n").getBytes(StandardCharsets.UTF_8);
    byte[] secret = pem.length >= 32 ? pem : publicKeyBytes;
    return sign(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(issuerKey.getKeyID()).build(),
        claims(newUserId()).build(), new MACSigner(secret));
  }

  private static String tampered(RSAKey issuerKey, UnaryOperator<JWTClaimsSet.Builder> change) {
    String genuine = sign(issuerKey, claims(newUserId()).build());
    String[] parts = genuine.split("\\.");
    String forgedPayload = Base64URL.encode(change.apply(claims(newUserId())).build().toString()).toString();
    return parts[0] + "." + forgedPayload + "." + parts[2];
  }

  private static String es256(JWTClaimsSet claims) throws Exception {
    var key = new ECKeyGenerator(Curve.P_256).keyID("ec-of-nobody").generate();
    return sign(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(key.getKeyID()).build(), claims,
        new ECDSASigner(key));
  }

  private static String truncatedSignature(RSAKey issuerKey) {
    String genuine = sign(issuerKey, claims(newUserId()).build());
    return genuine.substring(0, genuine.length() - 10);
  }
}
