package io.emprops.gateway.security.apikeys;

import static org.assertj.core.api.Assertions.assertThat;

import io.emprops.gateway.support.GatewayIntegrationTest;
import io.emprops.web.identity.IdentityHeaders;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.http.MediaType;

/** API keys: created with a bearer token, used as {@code X-API-Key}, revoked. */
class ApiKeyTest extends GatewayIntegrationTest {

  @Autowired
  ReactiveStringRedisTemplate redis;

  @Test
  void createUseListAndRevoke() {
    String userId = newUserId();
    String owner = bearer(token(userId, List.of("user")));

    Map<String, Object> created = create(owner, "ci pipeline");
    String key = (String) created.get("key");
    String id = (String) created.get("id");
    assertThat(key).startsWith("emp_");

    client.get().uri("/credits/balance").header(ApiKeyAuthentication.HEADER, key)
        .exchange().expectStatus().isOk();
    var received = service("credits").takeRequest();
    assertThat(received.headers().getFirst(IdentityHeaders.USER_ID)).isEqualTo(userId);
    assertThat(received.headers().getFirst(IdentityHeaders.USER_ROLES)).isEqualTo("user");
    assertThat(received.headers().getFirst(ApiKeyAuthentication.HEADER)).isNull();

    client.get().uri("/api-keys").header("Authorization", owner)
        .exchange().expectStatus().isOk()
        .expectBody()
        .jsonPath("$.data[0].id").isEqualTo(id)
        .jsonPath("$.data[0].name").isEqualTo("ci pipeline")
        .jsonPath("$.data[0].created_at").isNotEmpty()
        .jsonPath("$.data[0].key").doesNotExist();

    client.delete().uri("/api-keys/" + id).header("Authorization", owner)
        .exchange().expectStatus().isNoContent();

    client.get().uri("/credits/balance").header(ApiKeyAuthentication.HEADER, key)
        .exchange().expectStatus().isUnauthorized()
        .expectBody().jsonPath("$.code").isEqualTo("UNAUTHORIZED");
    client.get().uri("/api-keys").header("Authorization", owner)
        .exchange().expectStatus().isOk()
        .expectBody().jsonPath("$.data").isEmpty();
  }

  @Test
  void storesOnlyADigestOfTheKey() {
    Map<String, Object> created = create(bearer(token(newUserId())), "digest check");
    String key = (String) created.get("key");
    String prefix = (String) created.get("prefix");

    Map<String, String> stored = redis.<String, String>opsForHash()
        .entries(ApiKeyStore.KEY_PREFIX + prefix)
        .collectMap(Map.Entry::getKey, Map.Entry::getValue)
        .block(Duration.ofSeconds(5));
    assertThat(stored).containsKey("secret_hash");
    assertThat(stored.values()).noneMatch(value -> value.contains(key.substring(key.indexOf('.') + 1)));
  }

  @Test
  void unknownOrMalformedKeysAreRefused() {
    Map<String, Object> created = create(bearer(token(newUserId())), "real one");
    String key = (String) created.get("key");
    String wrongSecret = key.substring(0, key.length() - 4) + (key.endsWith("AAAA") ? "BBBB" : "AAAA");

    for (String presented : List.of(wrongSecret, "emp_000000000000.nope", "garbage", "")) {
      client.get().uri("/credits/balance").header(ApiKeyAuthentication.HEADER, presented)
          .exchange().expectStatus().isUnauthorized();
    }
    assertNothingForwardedTo("credits");
  }

  @Test
  void keysCannotManageKeys() {
    String owner = bearer(token(newUserId()));
    String key = (String) create(owner, "limited").get("key");

    client.post().uri("/api-keys").header(ApiKeyAuthentication.HEADER, key)
        .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("name", "escalation"))
        .exchange().expectStatus().isForbidden()
        .expectBody().jsonPath("$.code").isEqualTo("FORBIDDEN");
  }

  @Test
  void cannotRevokeSomeoneElsesKey() {
    String id = (String) create(bearer(token(newUserId())), "mine").get("id");

    client.delete().uri("/api-keys/" + id).header("Authorization", bearer(token(newUserId())))
        .exchange().expectStatus().isNotFound()
        .expectBody().jsonPath("$.code").isEqualTo("NOT_FOUND");
  }

  @Test
  void nameIsRequired() {
    client.post().uri("/api-keys").header("Authorization", bearer(token(newUserId())))
        .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("name", " "))
        .exchange().expectStatus().isBadRequest()
        .expectBody().jsonPath("$.code").isEqualTo("VALIDATION_FAILED")
        .jsonPath("$.details[0].field").isEqualTo("name");
  }

  @Test
  void managingKeysNeedsAuthentication() {
    client.get().uri("/api-keys").exchange().expectStatus().isUnauthorized();
  }

  @SuppressWarnings("unchecked")
  private Map<String, Object> create(String authorization, String name) {
    Map<String, Object> body = client.post().uri("/api-keys").header("Authorization", authorization)
        .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("name", name))
        .exchange()
        .expectStatus().isCreated()
        .expectBody(Map.class).returnResult().getResponseBody();
    return (Map<String, Object>) body.get("data");
  }
}
