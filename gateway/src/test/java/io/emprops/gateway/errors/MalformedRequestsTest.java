package io.emprops.gateway.errors;

import static org.assertj.core.api.Assertions.assertThat;

import io.emprops.gateway.support.GatewayIntegrationTest;
import io.emprops.web.testing.RawHttp;
import io.emprops.web.api.SecurityHeaders;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Requests that fail below Spring (Netty's decoder, URI parsing) or in its URI decoding answer in
 * the envelope, with a code and the security headers, never naming an internal address.
 */
class MalformedRequestsTest extends GatewayIntegrationTest {

  private final JsonMapper json = JsonMapper.builder().build();

  @Test
  void aLonePercentInTheTargetIsA400Envelope() {
    assertEnvelope(raw().get("/collections/%"), 400, "VALIDATION_FAILED");
    assertEnvelope(raw().get("/feed?afterDate=%"), 400, "VALIDATION_FAILED");
  }

  @Test
  void aTargetThatIsNotUtf8OrCarriesNulIsA400NamingWhere() {
    RawHttp.Response notUtf8 = raw().get("/jobs/%ff", "Authorization: " + bearer(token(newUserId())));
    assertEnvelope(notUtf8, 400, "VALIDATION_FAILED");
    assertThat(body(notUtf8).get("details").get(0).get("field").asString()).isEqualTo("path");

    RawHttp.Response nul = raw().get("/models/validate-auth?model=%00", "Authorization: " + bearer(token(newUserId())));
    assertEnvelope(nul, 400, "VALIDATION_FAILED");
    assertThat(body(nul).get("details").get(0).get("field").asString()).isEqualTo("model");
    assertThat(service("generator").received()).isEmpty();
  }

  @Test
  void aTooLongTargetIsA414Envelope() {
    assertEnvelope(raw().get("/feed?q=" + "a".repeat(5 * 1024)), 414, "VALIDATION_FAILED");
  }

  @Test
  void tooLargeHeadersAreA431Envelope() {
    assertEnvelope(raw().get("/feed", "X-Big: " + "b".repeat(100 * 1024)), 431, "VALIDATION_FAILED");
  }

  @Test
  void controlCharactersInAHeaderAreA400Envelope() {
    assertEnvelope(raw().get("/feed", "X-Odd: a\u0001b"), 400, "VALIDATION_FAILED");
    assertEnvelope(raw().get("/feed", "X-Odd\u0007: b"), 400, "VALIDATION_FAILED");
  }

  @Test
  void aMalformedRequestLineIsA400Envelope() {
    assertEnvelope(raw().send("GET\u0000/feed HTTP/1.1\r\nHost: x", new byte[0]), 400, "VALIDATION_FAILED");
  }

  @Test
  void everyEnvelopeErrorCarriesTheHeadersOfAnOrdinaryAnswer() {
    RawHttp.Response ordinary = raw().get("/projects"); // 401 from the security chain
    assertThat(ordinary.status()).isEqualTo(401);
    for (Map.Entry<String, String> header : SecurityHeaders.ON_EVERY_ANSWER.entrySet()) {
      assertThat(ordinary.header(header.getKey())).as(header.getKey()).isEqualTo(header.getValue());
    }
  }

  private RawHttp raw() {
    return new RawHttp(port);
  }

  private JsonNode body(RawHttp.Response response) {
    return json.readTree(response.body());
  }

  private void assertEnvelope(RawHttp.Response response, int status, String code) {
    assertThat(response.status()).as(response.body()).isEqualTo(status);
    assertThat(response.header("Content-Type")).startsWith("application/json");
    JsonNode body = body(response);
    assertThat(body.get("data").isNull()).isTrue();
    assertThat(body.get("error").asString()).isNotBlank();
    assertThat(body.get("code").asString()).isEqualTo(code);
    assertThat(response.body()).doesNotContain("127.0.0.1").doesNotContain("Exception").doesNotContain("<html");
    for (Map.Entry<String, String> header : SecurityHeaders.ON_EVERY_ANSWER.entrySet()) {
      assertThat(response.header(header.getKey())).as(header.getKey()).isEqualTo(header.getValue());
    }
  }
}
