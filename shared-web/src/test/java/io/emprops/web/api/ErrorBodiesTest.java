package io.emprops.web.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class ErrorBodiesTest {

  @Test
  void producesTheEnvelopeWithEveryCharacterEscaped() {
    String message = "quote \" backslash \\ newline \n tab \t bell \u0007 unicode é";
    JsonNode body = JsonMapper.builder().build().readTree(ErrorBodies.json(ErrorCode.RATE_LIMITED, message));
    assertThat(body.get("data").isNull()).isTrue();
    assertThat(body.get("error").asString()).isEqualTo(message);
    assertThat(body.get("code").asString()).isEqualTo("RATE_LIMITED");
  }

  @Test
  void everyCodeMapsBackFromItsStatus() {
    assertThat(ErrorCode.forStatus(413)).isEqualTo(ErrorCode.PAYLOAD_TOO_LARGE);
    assertThat(ErrorCode.forStatus(503)).isEqualTo(ErrorCode.SERVICE_UNAVAILABLE);
    assertThat(ErrorCode.forStatus(599)).isEqualTo(ErrorCode.INTERNAL);
    assertThat(ErrorCode.forStatus(418)).isEqualTo(ErrorCode.VALIDATION_FAILED);
  }
}
