package io.emprops.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.emprops.localstack.testing.EmbeddedInfrastructure;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.core.env.Environment;
import org.springframework.test.annotation.DirtiesContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A storage service whose bucket does not exist is not ready: readiness answers 503 naming
 * {@code objectStore} DOWN, while its database is UP. (Its own context, closed after the class; no
 * relay, so it publishes nothing.)
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "emprops.storage.s3.bucket=no-such-bucket-for-readiness",
    "emprops.events.relay.enabled=false"})
@EmbeddedInfrastructure(app = "storage-service")
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class StorageReadinessTest {

  @Autowired Environment environment;

  @Test
  void readinessIsDownWhileTheObjectStoreIsMissingAndSaysWhich() throws Exception {
    try (HttpClient http = HttpClient.newHttpClient()) {
      HttpResponse<String> readiness = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
          + environment.getProperty("local.server.port") + "/actuator/health/readiness")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(readiness.statusCode()).as(readiness.body()).isEqualTo(503);
      JsonNode components = JsonMapper.shared().readTree(readiness.body()).path("components");
      assertThat(components.path("objectStore").path("status").asString()).isEqualTo("DOWN");
      assertThat(components.path("db").path("status").asString()).isEqualTo("UP");
      // The liveness probe is not affected: a store outage is no reason to restart.
      HttpResponse<String> liveness = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
          + environment.getProperty("local.server.port") + "/actuator/health/liveness")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(liveness.statusCode()).isEqualTo(200);
    }
  }
}
