package io.emprops.web.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Set;
import org.junit.jupiter.api.Test;

class InternalCredentialTest {

  private static final String SECRET = "0123456789abcdef0123456789abcdef-test";
  private static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");
  private final CallerIdentity alice = CallerIdentity.user("alice", Set.of("user", "admin"));

  private InternalCredential at(Instant instant) {
    return new InternalCredential(SECRET, Duration.ofMinutes(5), Clock.fixed(instant, ZoneOffset.UTC));
  }

  @Test
  void aSignedRequestVerifies() {
    String header = at(NOW).sign("post", "/projects", alice);
    assertThat(at(NOW.plusSeconds(10)).verify(header, "POST", "/projects", alice)).isEmpty();
  }

  @Test
  void rolesAreSignedWhateverTheirOrder() {
    String header = at(NOW).sign("GET", "/p", CallerIdentity.user("alice", Set.of("admin", "user")));
    assertThat(at(NOW).verify(header, "GET", "/p", CallerIdentity.user("alice", Set.of("user", "admin")))).isEmpty();
  }

  @Test
  void anyChangeToWhatWasSignedIsRefused() {
    String header = at(NOW).sign("GET", "/projects", alice);
    InternalCredential verifier = at(NOW);
    assertThat(verifier.verify(header, "DELETE", "/projects", alice)).contains("invalid internal credential");
    assertThat(verifier.verify(header, "GET", "/projects/1", alice)).contains("invalid internal credential");
    assertThat(verifier.verify(header, "GET", "/projects", CallerIdentity.user("bob", alice.roles())))
        .contains("invalid internal credential");
    assertThat(verifier.verify(header, "GET", "/projects", CallerIdentity.user("alice", Set.of("user"))))
        .contains("invalid internal credential");
    assertThat(verifier.verify(header, "GET", "/projects", CallerIdentity.anonymous()))
        .contains("invalid internal credential");
  }

  @Test
  void aCredentialOlderOrNewerThanTheMaximumAgeIsRefused() {
    String header = at(NOW).sign("GET", "/p", alice);
    assertThat(at(NOW.plus(Duration.ofMinutes(5)).plusSeconds(1)).verify(header, "GET", "/p", alice))
        .contains("expired internal credential");
    assertThat(at(NOW.minus(Duration.ofMinutes(6))).verify(header, "GET", "/p", alice))
        .contains("expired internal credential");
  }

  @Test
  void anotherSecretsSignatureIsRefused() {
    String forged = new InternalCredential("another-secret-that-is-long-enough-0000", Duration.ofMinutes(5),
        Clock.fixed(NOW, ZoneOffset.UTC)).sign("GET", "/p", alice);
    assertThat(at(NOW).verify(forged, "GET", "/p", alice)).contains("invalid internal credential");
  }

  @Test
  void missingAndMalformedHeadersAreRefused() {
    InternalCredential verifier = at(NOW);
    assertThat(verifier.verify(null, "GET", "/p", alice)).contains("missing internal credential");
    assertThat(verifier.verify(" ", "GET", "/p", alice)).contains("missing internal credential");
    assertThat(verifier.verify("v1.abc", "GET", "/p", alice)).contains("malformed internal credential");
    assertThat(verifier.verify("v2.1.x", "GET", "/p", alice)).contains("malformed internal credential");
    assertThat(verifier.verify("v1.notanumber.x", "GET", "/p", alice)).contains("malformed internal credential");
  }

  @Test
  void aShortOrMissingSecretRefusesToStart() {
    assertThatThrownBy(() -> new InternalCredential("short")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("EMPROPS_INTERNAL_SECRET");
    assertThatThrownBy(() -> new InternalCredential(null)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void reservedHeadersAreRecognisedInAnyCase() {
    assertThat(IdentityHeaders.isReserved("X-User-Id")).isTrue();
    assertThat(IdentityHeaders.isReserved("x-user-roles")).isTrue();
    assertThat(IdentityHeaders.isReserved("X-INTERNAL-AUTH")).isTrue();
    assertThat(IdentityHeaders.isReserved("X-Request-Id")).isFalse();
    assertThat(IdentityHeaders.isReserved("Authorization")).isFalse();
  }
}
