package io.emprops.gateway.errors;

import static org.assertj.core.api.Assertions.assertThat;

import io.emprops.gateway.support.GatewayIntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.http.MediaType;
import reactor.core.publisher.Flux;

/** Limits, headers and error shapes at the edge. */
class HardeningTest extends GatewayIntegrationTest {

  private static final int ONE_MEGABYTE = 1024 * 1024;

  @Test
  void oversizedBodyIsA413BeforeItReachesTheService() {
    client.post().uri("/projects")
        .header("Authorization", bearer(token(newUserId())))
        .contentType(MediaType.APPLICATION_JSON)
        .bodyValue(new byte[ONE_MEGABYTE + 1])
        .exchange()
        .expectStatus().isEqualTo(413)
        .expectBody()
        .jsonPath("$.code").isEqualTo("PAYLOAD_TOO_LARGE")
        .jsonPath("$.data").isEmpty();
    assertNothingForwardedTo("collections");
  }

  @Test
  void oversizedStreamedBodyWithoutLengthIsA413() {
    Flux<DataBuffer> chunks = Flux.range(0, 20)
        .map(i -> DefaultDataBufferFactory.sharedInstance.wrap(new byte[128 * 1024]));
    client.post().uri("/projects")
        .header("Authorization", bearer(token(newUserId())))
        .contentType(MediaType.APPLICATION_OCTET_STREAM)
        .body(chunks, DataBuffer.class)
        .exchange()
        .expectStatus().isEqualTo(413)
        .expectBody().jsonPath("$.code").isEqualTo("PAYLOAD_TOO_LARGE");
  }

  @Test
  void uploadsMayBeLargerThanOrdinaryBodies() {
    client.post().uri("/assets")
        .header("Authorization", bearer(token(newUserId())))
        .contentType(MediaType.APPLICATION_OCTET_STREAM)
        .bodyValue(new byte[2 * ONE_MEGABYTE])
        .exchange()
        .expectStatus().isOk();
    assertThat(service("storage").takeRequest().body()).hasSize(2 * ONE_MEGABYTE);
  }

  @Test
  void responsesCarrySecurityHeaders() {
    client.get().uri("/feed").exchange()
        .expectStatus().isOk()
        .expectHeader().valueEquals("X-Content-Type-Options", "nosniff")
        .expectHeader().valueEquals("X-Frame-Options", "DENY")
        .expectHeader().valueEquals("Referrer-Policy", "no-referrer")
        .expectHeader().valueEquals("Content-Security-Policy", "frame-ancestors 'none'");
  }

  @Test
  void corsPreflightIsAnsweredForConfiguredOriginsOnly() {
    client.options().uri("/projects")
        .header("Origin", ALLOWED_ORIGIN)
        .header("Access-Control-Request-Method", "POST")
        .header("Access-Control-Request-Headers", "Authorization")
        .exchange()
        .expectStatus().isOk()
        .expectHeader().valueEquals("Access-Control-Allow-Origin", ALLOWED_ORIGIN);

    client.options().uri("/projects")
        .header("Origin", "https://evil.example")
        .header("Access-Control-Request-Method", "POST")
        .exchange()
        .expectStatus().isForbidden()
        .expectHeader().doesNotExist("Access-Control-Allow-Origin");
  }

  @Test
  void internalFailuresShowNoStackTrace() {
    client.get().uri("/nothing/here").exchange()
        .expectStatus().isUnauthorized();
    client.get().uri("/health/unknown-service").exchange()
        .expectStatus().isNotFound()
        .expectBody(String.class).value(body -> assertThat(body)
            .contains("\"code\":\"NOT_FOUND\"")
            .doesNotContain("at io.").doesNotContain("Exception"));
  }
}
