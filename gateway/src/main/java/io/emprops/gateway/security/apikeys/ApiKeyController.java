package io.emprops.gateway.security.apikeys;

import io.emprops.gateway.security.CallerAuthentication;
import io.emprops.web.api.ApiException;
import io.emprops.web.input.StorableText;
import io.emprops.web.api.ApiResponse;
import io.emprops.web.api.ErrorCode;
import java.time.Instant;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * The caller's API keys. Creating and revoking needs a bearer token: a key must not be able to
 * mint or revoke keys, so a leaked key cannot entrench itself.
 */
@RestController
@RequestMapping("/api-keys")
public class ApiKeyController {

  static final int MAX_NAME_LENGTH = 100;

  /** {@code name} labels the key for its owner (e.g. the integration that uses it). */
  public record CreateRequest(String name) {}

  /** The answer to a creation: the only time {@code key} is shown. */
  public record CreatedView(String id, String name, String prefix, String key, Instant createdAt) {}

  public record KeyView(String id, String name, String prefix, Instant createdAt) {
    static KeyView of(ApiKey key) {
      return new KeyView(key.id(), key.name(), key.prefix(), key.createdAt());
    }
  }

  private final ApiKeyStore store;

  public ApiKeyController(ApiKeyStore store) {
    this.store = store;
  }

  @PostMapping
  @ResponseStatus(HttpStatus.CREATED)
  public Mono<ApiResponse<CreatedView>> create(
      CallerAuthentication caller, @RequestBody(required = false) CreateRequest request) {
    requireBearerToken(caller);
    String name = request == null || request.name() == null ? "" : request.name().strip();
    if (name.isEmpty() || name.length() > MAX_NAME_LENGTH) {
      return Mono.error(ApiException.invalid(
          "name", "must be 1 to " + MAX_NAME_LENGTH + " characters"));
    }
    if (!StorableText.isStorable(name)) {
      return Mono.error(ApiException.invalid("name", StorableText.RULE));
    }
    return store.create(caller.identity(), name)
        .onErrorMap(ApiKeyStore.TooManyKeysException.class,
            e -> new ApiException(ErrorCode.CONFLICT, e.getMessage()))
        .map(created -> ApiResponse.ok(new CreatedView(created.key().id(), created.key().name(),
            created.key().prefix(), created.secret(), created.key().createdAt())));
  }

  @GetMapping
  public Mono<ApiResponse<List<KeyView>>> list(CallerAuthentication caller) {
    return store.list(caller.identity().requireUserId())
        .map(KeyView::of)
        .collectList()
        .map(ApiResponse::ok);
  }

  @DeleteMapping("/{id}")
  @ResponseStatus(HttpStatus.NO_CONTENT)
  public Mono<Void> revoke(CallerAuthentication caller, @PathVariable String id) {
    requireBearerToken(caller);
    return store.revoke(caller.identity().requireUserId(), id)
        .flatMap(revoked -> revoked
            ? Mono.<Void>empty()
            : Mono.error(ApiException.notFound("No such API key")));
  }

  private static void requireBearerToken(CallerAuthentication caller) {
    if (caller.method() != CallerAuthentication.Method.BEARER_TOKEN) {
      throw ApiException.forbidden("API keys are managed with a bearer token, not with an API key");
    }
  }
}
